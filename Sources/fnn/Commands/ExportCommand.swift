import ArgumentParser
import FNNKit
import Foundation

/// `fnn export-png`: MNIST-format images as PNG files.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-png",
        abstract: "Write the images of an MNIST-format set as PNG files in folders named by label.",
        discussion: """
            Writes OUT/<label>/<index>.png (8-bit grey, white ink on black, the IDX pixels \
            unchanged), for checking fnn predict on known digits or for benchmarks. OUT is \
            the <output> argument or, as in every fnn command, -o/--output; PNG files \
            already in it with the same names are replaced.

            Examples:
              fnn export-png --data ~/mnist --set t10k --count 1000 digits/
              fnn export-png --data ~/mnist --set train -o train-digits/
            """
    )

    @Option(help: ArgumentHelp("A folder with the MNIST files (plain or .gz).", valueName: "dir"), completion: .directory)
    var data: String

    @Option(help: ArgumentHelp("Which set (t10k is the test set).", valueName: "name"))
    var set: MNISTSet = .t10k

    @Option(help: ArgumentHelp("How many images, from the first (default: all).", valueName: "n"))
    var count: Int?

    @Argument(help: ArgumentHelp("The folder to write into (created if needed); or give it with -o.", valueName: "output"), completion: .directory)
    var outputArgument: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The folder to write into, instead of the <output> argument.", valueName: "dir"), completion: .directory)
    var outputOption: String?

    /// The folder to write into, from the argument or -o/--output (`validate()` makes sure there is one).
    var output: String { outputArgument ?? outputOption ?? "" }

    func validate() throws {
        try argumentOrOption(outputArgument, outputOption, what: "output", optionName: "-o/--output", required: true)
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
    }

    func run() throws {
        let dataset: MNISTDataset
        let files = try MNISTDataset.files(in: data, prefix: set.rawValue)
        dataset = try MNISTDataset.load(images: files.images, labels: files.labels)
        let total = min(count ?? dataset.count, dataset.count)
        let digits = String(max(total - 1, 0)).count
        let size = dataset.pixelsPerImage
        for index in 0..<total {
            let folder = "\(output)/\(dataset.labels[index])"
            try FileSystem.createDirectories(folder)
            let image = GrayImage(
                width: dataset.columns, height: dataset.rows,
                pixels: Array(dataset.pixels[(index * size)..<((index + 1) * size)]))
            let name = String(repeating: "0", count: max(0, digits - String(index).count)) + String(index)
            try AtomicFile.write(try PNGCodec.encode(image), to: "\(folder)/\(name).png", overwrite: true)
        }
        print("wrote \(total) images to \(output)")
    }
}

/// The two sets of MNIST, by their files' prefix.
enum MNISTSet: String, ExpressibleByArgument, CaseIterable {
    case t10k, train
}
