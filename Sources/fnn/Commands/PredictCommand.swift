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

            Exit status: 0 when every image was classified; 2 when some could not be (each \
            has its row with the error, and a line on standard error); 1 when nothing could \
            be done (no model, no files, an unwritable output).

            Examples:
              fnn predict samples/digits
              fnn predict --model model.fnn scans/ --format jsonl -o results.jsonl
              fnn predict digits/ --format table --top-k 3
            """
    )

    @Option(help: ArgumentHelp("The model (.fnn, or network2.py .json); the bundled model when left out.", valueName: "file"), completion: .file(extensions: ["fnn", "json"]))
    var model: String?

    @Argument(help: "PNG files and folders of them.", completion: .file(extensions: ["png"]))
    var paths: [String]

    @Option(help: ArgumentHelp("The format of the rows.", valueName: "format"))
    var format: PredictionFormat = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the rows to this file (atomically) instead of standard output.", valueName: "file"), completion: .file())
    var output: String?

    @Flag(help: "Replace the --output, --report and --contact-sheet files if they exist (--save-normalized always rewrites its images).")
    var force = false

    @Option(name: .customLong("top-k"), help: ArgumentHelp("Also give the next most likely classes, up to this many in all.", valueName: "k"))
    var topK: Int = 1

    @Option(help: ArgumentHelp("The true labels, as a CSV of path,label rows, for the accuracy report.", valueName: "file"), completion: .file(extensions: ["csv"]))
    var labels: String?

    @Option(help: ArgumentHelp("Write the accuracy report to this file instead of standard error.", valueName: "file"), completion: .file())
    var report: String?

    @Option(name: .customLong("save-normalized"), help: ArgumentHelp("Write the 28 × 28 image the network saw for each input into this folder.", valueName: "dir"), completion: .directory)
    var saveNormalized: String?

    @Option(name: .customLong("contact-sheet"), help: ArgumentHelp("Draw the digits the network saw, labelled with its predictions, into this PNG (misclassified ones framed in red when labels are known).", valueName: "file"), completion: .file(extensions: ["png"]))
    var contactSheet: String?

    @OptionGroup var images: ImageOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("Name at least one PNG file or folder.") }
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1.") }
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
        for path in [output, report, contactSheet].compactMap({ $0 }) where !force && FileSystem.exists(path) {
            throw CLIError("\(path) already exists; pass --force to replace it.")
        }
        let labelFile = try labels.map(LabelSource.load)

        let collection = ImageCollection(Self.argumentBytes(paths))
        for (path, reason) in collection.skipped { printError("skipped \(path.escaped): \(reason)") }
        guard !collection.entries.isEmpty else { throw CLIError("no PNG files found in \(paths.joined(separator: ", "))") }

        let names = (0..<loaded.outputSize).map { loaded.metadata.label($0) }
        let run = PredictionRun(
            predictor: BatchPredictor(model: loaded, limits: images.limits, threads: images.threadCount),
            labels: TrueLabels(file: labelFile, names: names, paths: collection.entries.lazy.map(\.path)))
        let rows = try output.map { try AtomicFile.Writer($0, overwrite: force) }
        let write = { (text: String) throws(FileAccessError) in
            if let rows {
                try rows.append(text)
            } else if let failure = FileDescriptorWriting.writeAll(1, Array(text.utf8)) {
                // Unbuffered: each chunk's rows are out as soon as they are made.
                throw FileAccessError(path: "standard output", message: "cannot be written (\(failure.reason))")
            }
        }
        let normalized = saveNormalized.map(NormalizedImageFolder.init)
        let live = standardErrorIsTerminal && collection.entries.count >= 2000
        let bar = ProgressBar()
        let started = ContinuousClock.now
        var sheet: [ContactSheetPicture.Item] = []

        if let header = format.header(topK: topK) { try write(header + "\n") }
        let tally = try run.run(collection.entries) { (batch, done) throws(FileAccessError) in
            var text = ""
            for result in batch {
                text += format.line(result, topK: topK, labels: { names[$0] }) + "\n"
                if case .failure(let error) = result.outcome {
                    printError("\(result.location.escaped): \(BytePath.escape(error.message))")
                }
            }
            try write(text)
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
                    format: "%@ %d/%d images, %.0f/s", bar.bar(Double(done) / Double(collection.entries.count)), done,
                    collection.entries.count, Double(done) / max(elapsed.seconds, 1e-9)))
            }
        }
        if live { bar.clear() }
        try rows?.commit()
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
