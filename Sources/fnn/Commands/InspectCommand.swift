import ArgumentParser
import FNNKit

/// `fnn inspect`: what is in a model file, and is it intact.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a model file holds and check every checksum.",
        discussion: """
            Prints the format version, the layer table with per-tensor statistics, the \
            hyperparameters, the metadata, the training history and each checksum with its \
            verdict. Reads every format version.

            Exit status: 0 when the file is intact; 1 when it is damaged or unreadable (the \
            message names the damaged chunk and byte offset).
            """
    )

    @Argument(help: ArgumentHelp("The model file (.fnn); the bundled model when left out.", valueName: "model"), completion: .file(extensions: ["fnn"]))
    var modelArgument: String?

    @Option(name: .customLong("model"), help: ArgumentHelp("The model file, as in fnn predict and fnn watch (instead of the <model> argument).", valueName: "file"), completion: .file(extensions: ["fnn"]))
    var modelOption: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("render-weights"), help: ArgumentHelp("Draw the first layer's weights as a grid of image tiles into this PNG.", valueName: "file"), completion: .file(extensions: ["png"]))
    var renderWeights: String?

    @Option(help: ArgumentHelp("Draw the learning curves from the model's training history into this PNG.", valueName: "file"), completion: .file(extensions: ["png"]))
    var plot: String?

    @Flag(help: "Replace the --render-weights and --plot files if they exist.")
    var force = false

    func validate() throws {
        try argumentOrOption(modelArgument, modelOption, what: "model", optionName: "--model", required: false)
    }

    func run() throws {
        guard let model = modelArgument ?? modelOption ?? BundledModel.path else {
            throw CLIError("the bundled model is missing from fnn's resources; name a model file")
        }
        let bytes = try FileBytes.read(model, limit: ModelFileLimits.maximumFileSize)
        let inspection = ModelInspection.inspect(bytes)
        if json {
            print(inspection.json(path: model).serialized(indent: 2))
        } else {
            print(inspection.text(path: model))
        }
        if let error = inspection.error {
            printError("\(model) is damaged: \(error.at(path: nil).description)")
            throw ExitCode.failure
        }
        if let loaded = inspection.model {
            if let renderWeights { try writePicture(to: renderWeights, force: force) { try WeightsPicture.render(loaded) } }
            if let plot { try writePicture(to: plot, force: force) { try LearningCurvesPicture.render(loaded.history) } }
        }
    }
}
