import ArgumentParser
import FNNKit
import Foundation

/// `fnn evaluate`: accuracy of a model on a labelled test set.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model's accuracy on MNIST-format test data.",
        discussion: """
            Prints the accuracy, the number of correct answers, each class's precision and \
            recall, and the confusion matrix (rows: true class, columns: prediction).

            Examples:
              fnn evaluate --data ~/mnist              # the bundled model
              fnn evaluate model.fnn --data ~/mnist
              fnn evaluate --model model.fnn --images t10k-images-idx3-ubyte.gz --labels t10k-labels-idx1-ubyte.gz
            """
    )

    @Argument(help: ArgumentHelp("The model (.fnn, or network2.py .json); the bundled model when left out.", valueName: "model"), completion: .file(extensions: ["fnn", "json"]))
    var modelArgument: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("The model, as in fnn predict and fnn watch (instead of the <model> argument).", valueName: "file"), completion: .file(extensions: ["fnn", "json"]))
    var modelOption: String?

    /// The model named by the argument or by --model.
    var model: String? { modelArgument ?? modelOption }

    @Option(help: ArgumentHelp("A folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].", valueName: "dir"), completion: .directory)
    var data: String?

    @Option(help: ArgumentHelp("The test images, as an IDX image file (plain or .gz), instead of --data.", valueName: "file"), completion: .file())
    var images: String?

    @Option(help: ArgumentHelp("The true labels, as an IDX label file (plain or .gz), with --images instead of --data.", valueName: "file"), completion: .file())
    var labels: String?

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Draw the confusion matrix as a heat map into this PNG.", valueName: "file"), completion: .file(extensions: ["png"]))
    var confusion: String?

    @Flag(help: "Replace the --confusion file if it exists.")
    var force = false

    func validate() throws {
        try argumentOrOption(modelArgument, modelOption, what: "model", optionName: "--model", required: false)
        switch (data, images, labels) {
        case (.some, nil, nil), (nil, .some, .some): break
        case (nil, nil, nil): throw ValidationError("Give the test data with --data DIR, or --images FILE and --labels FILE.")
        case (.some, _, _): throw ValidationError("Use either --data or --images/--labels, not both.")
        default: throw ValidationError("--images and --labels go together.")
        }
    }

    func run() throws {
        let modelName = model ?? "bundled model"
        let loaded = try ModelLoader.load(model)
        if let problem = ModelSelfTest.outputProblem(with: loaded) { throw CLIError("\(modelName): \(problem)") }
        var imagesPath = images ?? ""
        var labelsPath = labels ?? ""
        if let data {
            (imagesPath, labelsPath) = try MNISTDataset.files(in: data, prefix: "t10k")
        }
        let dataset = try MNISTDataset.load(images: imagesPath, labels: labelsPath, classCount: 256)
        let showProgress = standardErrorIsTerminal && !json
        let evaluation: Evaluation
        do {
            evaluation = try Evaluation.run(loaded, on: dataset) { done in
                if showProgress { printProgress(done, dataset.count) }
            }
        } catch {
            throw InContext(modelName, error)
        }
        if showProgress { writeStandardError("\r\u{1B}[K") }
        print(json ? evaluation.json(model: modelName).serialized(indent: 2) : evaluation.text)
        if let confusion { try writePicture(to: confusion, force: force) { try ConfusionPicture.render(evaluation) } }
    }

    private func printProgress(_ done: Int, _ total: Int) {
        writeStandardError("\revaluating \(done)/\(total) images")
    }
}
