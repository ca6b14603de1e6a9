import ArgumentParser
import FNNKit

/// `fnn report`: one accuracy report from the outputs of several runs.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Merge results files (shards of fnn predict, fnn watch logs) into one accuracy report.",
        discussion: """
            Reads the rows of every file (fnn predict's CSV or JSON Lines, or fnn watch's \
            results/*.jsonl; a torn last line, from a task killed mid-write, is left out) \
            and prints the report an unsharded fnn predict run prints: the accuracy, each \
            class's precision and recall, the confusion matrix, and the images that could \
            not be classified or have no known label. An input in several files is counted \
            once.

            True labels come from --labels, or from folder names when every path sits in a \
            folder named after one of the model's labels (0 … 9), as in fnn predict.

            Examples:
              fnn report results-*.csv
              fnn report shard-0.jsonl shard-1.jsonl --labels truth.csv --json
              fnn report hot/results/*.jsonl --labels truth.csv
            """
    )

    @Argument(help: ArgumentHelp("Results files to merge.", valueName: "results"), completion: .file(extensions: ["csv", "jsonl"]))
    var results: [String] = []

    @Option(help: ArgumentHelp("The true labels, as a CSV of path,label rows.", valueName: "file"), completion: .file(extensions: ["csv"]))
    var labels: String?

    @Option(help: ArgumentHelp("The model whose labels the rows use (the bundled model when left out).", valueName: "file"), completion: .file(extensions: ["fnn", "json"]))
    var model: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @Flag(help: "Replace the --output file if it exists.")
    var force = false

    func validate() throws {
        guard !results.isEmpty else { throw ValidationError("Name at least one results file.") }
    }

    func run() throws {
        let loaded = try ModelLoader.load(model)
        let names = (0..<loaded.outputSize).map { loaded.metadata.label($0) }
        let labelFile = try labels.map(LabelSource.load)
        if let output, !force, FileSystem.exists(output) {
            throw CLIError("\(output) already exists; pass --force to replace it.")
        }
        var merged = MergedResults(names: names)
        for path in results { try merged.add(file: path) }
        if merged.duplicates > 0 {
            printError("\(merged.duplicates) rows repeat an input already read; each input is counted once")
        }
        let tally = merged.tally(labelFile: labelFile)
        let text: String
        if json {
            var members: [(String, JSONValue)] = [
                ("rows", .int(merged.rows.count)), ("classified", .int(tally.classified)), ("failed", .int(tally.failed)),
                ("unlabelled", .int(tally.unlabelled)),
            ]
            if let evaluation = tally.evaluation { members.append(("evaluation", evaluation.json(model: model ?? "bundled model"))) }
            text = JSONValue.object(members).serialized(indent: 2)
        } else if let report = tally.report {
            text = report
        } else {
            text = "\(merged.rows.count) rows (\(tally.classified) classified, \(tally.failed) failed); no labelled images to report on: name the true labels with --labels"
        }
        if let output {
            try AtomicFile.write(Array((text + "\n").utf8), to: output, overwrite: force)
        } else {
            print(text)
        }
    }
}
