import ArgumentParser
import FNNKit
import Foundation

/// `fnn predict`: classify PNG files and folders.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify PNG images of digits, files and folders, in batch.",
        discussion: """
            Folders are searched recursively, in sorted order; in them, files that are not \
            PNG are skipped with a note. Every image is made to look like an MNIST digit \
            (grey, white ink on black, scaled into a 20 × 20 box and centred by mass in \
            28 × 28) before the network sees it; --save-normalized writes what it saw. \
            Rows come out in sorted path order.

            When the images sit in folders named after the model's labels (0 … 9), or \
            --labels names a CSV of path,label rows, the accuracy, each class's precision \
            and recall and the confusion matrix follow on standard error (or --report).

            Rows of digits: with --segment each image holds a horizontal row of 1 to 12 \
            digits (a ZIP code, an amount). It is split into digits, left to right (specks, \
            underlines and box borders dropped, touching digits cut apart), each normalised \
            as a single digit is, and the row gives path,digits,confidence,error, the \
            confidence the lowest digit's; --format jsonl adds each digit's box. With \
            --labels FILE of path,digits rows, the share of strings read exactly and the \
            digit error rate follow. formats/digit-normalization.md describes the steps.

            Scaling out: --shard INDEX/COUNT (or --shard auto, inside a Kubernetes Indexed \
            Job, a Slurm job array or an AWS Batch array job) classifies one share of the \
            inputs, the same share on every machine; --files-from takes the paths from a \
            file or standard input (GNU parallel, xargs, Spark's RDD.pipe); --output FILE \
            --resume keeps the rows a killed run already wrote and classifies only the rest. \
            fnn report merges the shards' outputs into one accuracy report.

            Exit status: 0 when every image was classified; 2 when some could not be (each \
            has its row with the error, and a line on standard error); 1 when nothing could \
            be done (no model, no files, an unwritable output).

            Examples:
              fnn predict samples/digits
              fnn predict --model model.fnn scans/ --format jsonl -o results.jsonl
              fnn predict digits/ --format table --top-k 3
              fnn predict --segment samples/strings --format jsonl
              fnn predict corpus/ --shard auto -o results-$SLURM_ARRAY_TASK_ID.csv --resume
              find scans -name '*.png' -print0 | fnn predict --files-from - -0
            """
    )

    @Option(help: ArgumentHelp("The model (.fnn, or network2.py .json); the bundled model when left out.", valueName: "file"), completion: .file(extensions: ["fnn", "json"]))
    var model: String?

    @Argument(help: "PNG files and folders of them.", completion: .file(extensions: ["png"]))
    var paths: [String] = []

    @Option(name: .customLong("files-from"), help: ArgumentHelp("Also classify the paths listed in this file, one a line (- for standard input).", valueName: "file"), completion: .file())
    var filesFrom: String?

    @Flag(name: [.customShort("0"), .customLong("null")], help: "The --files-from paths are separated by NUL bytes (find -print0), not newlines.")
    var nulSeparated = false

    @Option(help: ArgumentHelp("Classify only share INDEX of COUNT (from 0), by a stable hash of each path; auto reads the array task from Kubernetes, Slurm or AWS Batch.", valueName: "INDEX/COUNT|auto"))
    var shard: String?

    @Option(name: .customLong("shard-count"), help: ArgumentHelp("With --shard auto: the number of shards (needed in a Kubernetes Indexed Job: its completions).", valueName: "n"))
    var shardCount: Int?

    @Flag(help: "With --output: keep the whole rows already in the file, classify only the inputs it lacks, and append (a killed run picks up where it stopped).")
    var resume = false

    @Option(name: .customLong("chunk-size"), help: ArgumentHelp("Images classified together before their rows are written (smaller: rows sooner; larger: a little faster).", valueName: "n"))
    var chunkSize: Int = PredictionRun.defaultChunkSize

    @Option(help: ArgumentHelp("The format of the rows.", valueName: "format"))
    var format: PredictionFormat = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the rows to this file (atomically; or appended to, with --resume) instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @Flag(help: "Replace the --output, --report and --contact-sheet files if they exist (--save-normalized always rewrites its images).")
    var force = false

    @Option(name: .customLong("top-k"), help: ArgumentHelp("Also give the next most likely classes, up to this many in all.", valueName: "k"))
    var topK: Int = 1

    @Option(help: ArgumentHelp("The true labels, as a CSV of path,label rows, for the accuracy report.", valueName: "file"), completion: .file(extensions: ["csv"]))
    var labels: String?

    @Option(help: ArgumentHelp("Write the accuracy report to this file instead of standard error.", valueName: "file"), completion: .file())
    var report: String?

    @Option(name: .customLong("save-normalized"), help: ArgumentHelp("Write the 28 × 28 image the network saw for each input (with --segment, for each digit: NAME-INDEX.png) into this folder.", valueName: "dir"), completion: .directory)
    var saveNormalized: String?

    @Option(name: .customLong("contact-sheet"), help: ArgumentHelp("Draw the digits the network saw, labelled with its predictions, into this PNG (misclassified ones framed in red when labels are known).", valueName: "file"), completion: .file(extensions: ["png"]))
    var contactSheet: String?

    @Flag(help: "Each image holds a row of digits (1 to 12, left to right): split it into digits and read them all (rows path,digits,confidence,error; --labels then takes path,digits).")
    var segment = false

    @OptionGroup var images: ImageOptions

    func validate() throws {
        guard !paths.isEmpty || filesFrom != nil else {
            throw ValidationError("Name at least one PNG file or folder (or a list of them with --files-from).")
        }
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1.") }
        guard (1...1_000_000).contains(chunkSize) else { throw ValidationError("--chunk-size must be from 1 to 1000000.") }
        if nulSeparated, filesFrom == nil { throw ValidationError("-0/--null goes with --files-from.") }
        if shardCount != nil, shard != "auto" { throw ValidationError("--shard-count goes with --shard auto (with --shard INDEX/COUNT the count is in the value).") }
        if let shard, shard != "auto" {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError(error.message) }
        }
        if segment, topK != 1 { throw ValidationError("--top-k goes without --segment (a row of digits has one reading).") }
        if resume {
            guard output != nil else { throw ValidationError("--resume needs --output FILE: the rows to keep and append to.") }
            guard format != .table else { throw ValidationError("--resume needs --format csv or jsonl (a table cannot be read back).") }
            guard !force else { throw ValidationError("--resume keeps the rows in --output; --force would replace them: choose one.") }
        }
    }

    /// The share of the inputs this run takes, if sharded.
    private func selectedShard() throws -> Shard? {
        guard let shard else { return nil }
        do {
            if shard == "auto" { return try Shard.fromEnvironment(ProcessInfo.processInfo.environment, count: shardCount) }
            return try Shard(parsing: shard)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Where the rows go: standard output (unbuffered, each chunk as soon as it is made),
    /// a temporary file renamed into place at the end, or, with --resume, the end of the
    /// output file, made durable chunk by chunk.
    enum RowSink {
        case standardOutput
        case atomic(AtomicFile.Writer)
        case appending(AppendOnlyFile)

        func write(_ text: String) throws(FileAccessError) {
            switch self {
            case .standardOutput:
                if let failure = FileDescriptorWriting.writeAll(1, Array(text.utf8)) {
                    throw FileAccessError(path: "standard output", message: "cannot be written (\(failure.reason))")
                }
            case .atomic(let writer): try writer.append(text)
            case .appending(let file): try file.append(Array(text.utf8))
            }
        }

        func finish() throws(FileAccessError) {
            if case .atomic(let writer) = self { try writer.commit() }
        }
    }

    func run() throws {
        // Decoding and inference run on fnn's own threads.
        BLAS.useSingleThread()
        let loaded = try ModelLoader.load(model)
        let contract = loaded.metadata.inputContract
        guard loaded.inputSize == 784, contract.width == 28, contract.height == 28 else {
            throw CLIError(
                "the model takes \(loaded.inputSize) inputs (a \(contract.width)×\(contract.height) image); fnn predict makes 28×28 = 784-pixel MNIST-style digits")
        }
        if let problem = ModelSelfTest.outputProblem(with: loaded) { throw CLIError("\(model ?? "bundled model"): \(problem)") }
        guard topK <= loaded.outputSize else { throw ValidationError("--top-k is larger than the model's \(loaded.outputSize) classes.") }
        for path in [resume ? nil : output, report, contactSheet].compactMap({ $0 }) where !force && FileSystem.exists(path) {
            throw CLIError("\(path) already exists; pass --force to replace it.")
        }
        let labelFile = try labels.map(LabelSource.load)
        let selected = try selectedShard()

        var arguments = Self.argumentBytes(paths)
        if let filesFrom {
            let list = try FileBytes.readStream(filesFrom == "-" ? nil : filesFrom, limit: 1 << 30)
            arguments += ImageCollection.listedPaths(list, nulSeparated: nulSeparated)
        }
        let collection = ImageCollection(arguments, shard: selected)
        for note in collection.skipped { printError("skipped \(note.path.escaped): \(note.reason)") }
        let sources = (paths + (filesFrom.map { ["the paths in \($0 == "-" ? "standard input" : $0)"] } ?? [])).joined(separator: ", ")
        if collection.entries.isEmpty {
            // A shard of a small corpus may hold nothing: its output is then just empty.
            guard let selected else { throw CLIError("no PNG files found in \(sources)") }
            printError("shard \(selected) holds none of the PNG files in \(sources)")
        }

        if segment {
            try readRows(collection.entries, model: loaded, labelFile: labelFile)
            return
        }
        let names = (0..<loaded.outputSize).map { loaded.metadata.label($0) }
        let run = PredictionRun(
            predictor: BatchPredictor(model: loaded, limits: images.limits, threads: images.threadCount),
            labels: TrueLabels(file: labelFile, names: names, paths: collection.entries.lazy.map(\.path)),
            chunkSize: chunkSize)
        var earlier = PredictionTally(names: names)
        var entries = collection.entries
        let (rows, header) = try openRows(header: format.header(topK: topK), entries: &entries) { (row) throws(ResultRowError) in
            if row.isDigitString { throw ResultRowError("the row is one of fnn predict --segment: the file was written with --segment") }
            try earlier.count(row, labels: run.labels)
        }
        let normalized = saveNormalized.map(NormalizedImageFolder.init)
        let live = standardErrorIsTerminal && entries.count >= 2000
        let bar = ProgressBar()
        let started = ContinuousClock.now
        var sheet: [ContactSheetPicture.Item] = []

        if let header { try rows.write(header + "\n") }
        let tally = try run.run(entries, startingFrom: earlier) { (batch, done) throws(FileAccessError) in
            var text = ""
            for result in batch {
                text += format.line(result, topK: topK, labels: { names[$0] }) + "\n"
                if case .failure(let error) = result.outcome {
                    printError("\(result.location.escaped): \(BytePath.escape(error.message))")
                }
            }
            try rows.write(text)
            try normalized?.save(batch)
            if contactSheet != nil {
                for result in batch where sheet.count < ContactSheetPicture.maximumItems {
                    guard case .success(let prediction) = result.outcome else { continue }
                    sheet.append(ContactSheetPicture.Item(
                        pixels: prediction.normalized, prediction: prediction.label, confidence: prediction.confidence,
                        wrong: run.labels.label(of: result.path).map { $0 != prediction.label }))
                }
            }
            if live {
                let elapsed = ContinuousClock.now - started
                bar.draw(String(
                    format: "%@ %d/%d images, %.0f/s", bar.bar(Double(done) / Double(entries.count)), done,
                    entries.count, Double(done) / max(elapsed.seconds, 1e-9)))
            }
        }
        if live { bar.clear() }
        try rows.finish()
        if run.labels.reportsAccuracy {
            if let text = tally.report {
                if let report {
                    try AtomicFile.write(Array((text + "\n").utf8), to: report, overwrite: force)
                } else {
                    printError(text)
                }
            } else {
                printError("no labelled images to report on")
            }
        }
        if let contactSheet {
            try writePicture(to: contactSheet, force: force) { try ContactSheetPicture.render(sheet) }
        }
        if tally.failed > 0 { throw ExitCode(2) }
    }

    /// Where the rows go (see `RowSink`), and the header still to write. With --resume,
    /// the whole rows already in --output are read back, each once, through `keep`, and
    /// the entries they cover are taken out of `entries`.
    func openRows(
        header: String?, entries: inout [ImageCollection.Entry], keep: (ResultRow) throws(ResultRowError) -> Void
    ) throws -> (RowSink, header: String?) {
        guard let output else { return (.standardOutput, header) }
        guard resume else { return (.atomic(try AtomicFile.Writer(output, overwrite: force)), header) }
        var done = Set<BytePath>()
        var end = 0
        if FileSystem.exists(output) {
            let source: ResultRow.Source = header.map { .csv(header: $0) } ?? .jsonLines
            end = try ResultRow.read(output, expecting: source) { (row) throws(ResultRowError) in
                guard done.insert(row.location).inserted else { return }
                try keep(row)
            }.wholeLinesEnd
        }
        entries.removeAll { done.contains($0.location) }
        let rows = RowSink.appending(try AppendOnlyFile(output, truncatingTo: end))
        printError("resuming \(output): \(done.count) rows kept, \(entries.count) inputs left")
        return (rows, end > 0 ? nil : header)
    }

    /// The command-line arguments `arguments` as the bytes the system passed: the strings
    /// Swift gives have U+FFFD for bytes that are not UTF-8, so such an argument is matched
    /// back to its raw `argv` entry.
    static func argumentBytes(_ arguments: [String]) -> [BytePath] {
        var raw: [BytePath] = []
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let length = strlen(pointer)
            raw.append(BytePath(bytes: pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }))
        }
        var used = Set<Int>()
        return arguments.map { argument in
            guard argument.unicodeScalars.contains("\u{FFFD}") else { return BytePath(argument) }
            guard let match = raw.indices.first(where: { !used.contains($0) && !raw[$0].isUTF8 && raw[$0].lossy == argument }) else {
                return BytePath(argument)
            }
            used.insert(match)
            return raw[match]
        }
    }
}

extension PredictionFormat: ExpressibleByArgument {}
