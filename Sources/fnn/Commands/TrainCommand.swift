import ArgumentParser
import Dispatch
import FNNKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fnn train`: mini-batch SGD with backpropagation on MNIST-format data.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a network on MNIST-format data by mini-batch SGD and backpropagation.",
        discussion: """
            Trains on the first images of train-images-idx3-ubyte[.gz] in --data, holds the \
            last --validation images out for validation, and reports the test-set accuracy \
            (t10k files) at the end. Unset options come from fnn's default recipe (ReLU, \
            softmax with cross-entropy, momentum SGD with L2 and a cosine schedule), or from \
            the lecture's setup with --classic (sigmoid, quadratic cost, N(0,1) weights, \
            η = 3.0, mini-batch 10). Every hyperparameter, the seed, the data's SHA-256, the \
            history and the accuracies are stored in the model file. The same seed, data and \
            --threads give a byte-identical file.

            Ctrl-C finishes the current mini-batch, saves a valid model and exits with \
            status 130; continue with --resume.

            Examples:
              fnn train --data ~/mnist -o model.fnn
              fnn train --data ~/mnist --classic -o classic.fnn
              fnn train --data ~/mnist --layers 784,100,10 --activation tanh --output-activation softmax
              fnn train --data ~/mnist --resume model.fnn --epochs 40
              fnn train --data ~/mnist --augment --epochs 60 -o robust.fnn   # distortions
            """
    )

    @Option(help: ArgumentHelp("A folder with the four MNIST files (plain or .gz).", valueName: "dir"), completion: .directory)
    var data: String

    @Option(
        name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Where to write the model (default: model.fnn).", valueName: "file"),
        completion: .file(extensions: ["fnn"]))
    var output: String?

    // The name of --output before `-o, --output` meant the written file in every command,
    // kept for existing scripts. It is an option of its own, not a second name of --output,
    // so that an old `--output softmax --save m.fnn` is refused instead of the last value
    // silently winning.
    @Option(help: ArgumentHelp("The older name of --output, kept for existing scripts.", valueName: "file"), completion: .file(extensions: ["fnn"]))
    var save: String?

    /// The model file to write: --output, or --save, or model.fnn.
    var modelPath: String { output ?? save ?? "model.fnn" }

    @Flag(help: "Replace the --output and --plot files if they exist (--metrics is always rewritten).")
    var force = false

    @Flag(help: "Use the lecture's setup for every option not given: [784,30,10] sigmoid, quadratic cost, N(0,1) init, η 3.0, batch 10, 30 epochs.")
    var classic = false

    @Option(help: ArgumentHelp("Layer sizes from input to output.", valueName: "sizes"), transform: parseSizes)
    var layers: [Int]?

    @Option(help: ArgumentHelp("Hidden-layer activation.", valueName: "name"))
    var activation: HiddenActivation?

    @Option(name: .customLong("output-activation"), help: ArgumentHelp("Output-layer activation.", valueName: "name"))
    var outputActivation: OutputActivation?

    @Option(help: ArgumentHelp("Cost.", valueName: "name"))
    var cost: Cost?

    @Option(help: ArgumentHelp("Epochs to train (in all, when resuming).", valueName: "n"))
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Mini-batch size.", valueName: "n"))
    var batchSize: Int?

    @Option(name: .customLong("learning-rate"), help: ArgumentHelp("Learning rate η.", valueName: "rate"))
    var learningRate: Double?

    @Option(name: .customLong("weight-decay"), help: ArgumentHelp("L2 λ, scaled by the training set size as in network2.py (0 is off).", valueName: "lambda"))
    var weightDecay: Double?

    @Option(help: ArgumentHelp("Momentum μ in [0, 1) (0 is plain SGD).", valueName: "mu"))
    var momentum: Double?

    @Option(name: .customLong("init"), help: ArgumentHelp("Initial weights: normal is N(0,1), scaled-normal N(0,1/n_in).", valueName: "scheme"))
    var initialization: Initialization?

    @Option(help: ArgumentHelp("Learning-rate schedule.", valueName: "name"))
    var schedule: LearningRateSchedule?

    @Option(name: .customLong("step-epochs"), help: ArgumentHelp("For --schedule step: epochs between steps.", valueName: "n"))
    var stepEpochs: Int?

    @Option(name: .customLong("step-factor"), help: ArgumentHelp("For --schedule step: factor applied at each step.", valueName: "f"))
    var stepFactor: Double?

    @Option(name: .customLong("early-stop"), help: ArgumentHelp("Stop when validation accuracy has not improved for this many epochs, keeping the best weights (0 is off).", valueName: "patience"))
    var earlyStop: Int?

    @Option(help: ArgumentHelp("Random seed for initial weights, shuffling and augmentation.", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("Threads for the matrix products (default: all cores).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Images held out from the end of the training set for validation (0 allowed).", valueName: "n"))
    var validation: Int?

    @Option(name: .customLong("augment-shift"), help: ArgumentHelp("Shift training images by up to this many pixels at random (0 is off).", valueName: "pixels"))
    var augmentShift: Int?

    @OptionGroup(title: "Augmentation") var augmentOptions: AugmentOptions

    @Option(help: ArgumentHelp("Number type to train in (f32 is fast).", valueName: "type"))
    var precision: TrainingPrecision?

    @Option(help: ArgumentHelp("Write one CSV row per epoch to this file.", valueName: "file"), completion: .file(extensions: ["csv"]))
    var metrics: String?

    @Flag(help: "Write the model to --output after every epoch.")
    var checkpoint = false

    @Option(help: ArgumentHelp("Draw the learning curves into this PNG (after every epoch).", valueName: "file"), completion: .file(extensions: ["png"]))
    var plot: String?

    @Option(help: ArgumentHelp("Continue training a model saved by fnn train, with its optimiser state and epoch count.", valueName: "file"), completion: .file(extensions: ["fnn"]))
    var resume: String?

    @Flag(help: "Print one line per epoch even on a terminal.")
    var plain = false

    func validate() throws {
        if let output { try Self.checkOutputIsAFile(output) }
        if output != nil, save != nil { throw ValidationError("--save is the older name of --output; give only one of them.") }
        if resume != nil, classic { throw ValidationError("--classic and --resume do not go together: a resumed run keeps its own settings.") }
        if resume != nil, layers != nil || activation != nil || outputActivation != nil || cost != nil {
            throw ValidationError("--resume keeps the model's architecture and cost; leave out --layers, --activation, --output-activation and --cost.")
        }
    }

    /// `--output` named the output-layer activation before it named the model file, so an
    /// activation name there is almost surely an old command line, not a file name.
    static func checkOutputIsAFile(_ path: String) throws {
        let name = path.lowercased()
        let advice: String
        if OutputActivation(rawValue: name) != nil {
            advice = "for the output layer's activation use --output-activation \(name)"
        } else if HiddenActivation(rawValue: name) != nil {
            advice = "the output layer's activation is --output-activation sigmoid or softmax, and the hidden layers' is --activation \(name)"
        } else {
            return
        }
        throw ValidationError(
            "--output names the model file to write, and \"\(path)\" is an activation: \(advice) (for a file of that name, write ./\(path)).")
    }

    func run() throws {
        // Settings first, so that a bad value fails before anything is read.
        let resumed = try resume.map { path -> Model in
            return try ModelLoader.load(path)
        }
        var configuration: TrainingConfiguration
        if let resumed {
            do { configuration = try TrainingConfiguration(resuming: resumed) } catch { throw InContext(resume ?? "", error) }
        } else {
            configuration = classic ? .classic : .recommended
            configuration.threads = ProcessInfo.processInfo.activeProcessorCount
        }
        apply(to: &configuration)
        let early = configuration.problems()
        guard early.isEmpty else { throw ValidationError(early.joined(separator: "; ") + ".") }

        if let plot, !force, FileSystem.exists(plot) { throw CLIError("\(plot) already exists; pass --force to replace it.") }
        let outputExists = FileSystem.exists(modelPath)
        if outputExists, !force, resume.map({ !samePath($0, modelPath) }) ?? true {
            throw CLIError("\(modelPath) already exists; pass --force to replace it, or --output another file.")
        }

        let (training, test) = try loadData()
        guard training.count > 0 else { throw CLIError("the training images file holds no images") }
        guard test.count > 0 else { throw CLIError("the test images file holds no images") }
        let problems = configuration.problems(
            trainingImages: training.count, inputSize: training.pixelsPerImage,
            classCount: Int(training.labels.max() ?? 0) + 1)
        guard problems.isEmpty else { throw CLIError(problems.joined(separator: "; ") + ".") }
        if let resumed, resumed.sizes.first != training.pixelsPerImage {
            throw CLIError("the resumed model takes \(resumed.inputSize) inputs but the images have \(training.pixelsPerImage) pixels")
        }
        // A resumed model keeps the input contract it was trained with.
        let data = TrainingData(
            training, validationSize: configuration.validationSize, contract: resumed?.metadata.inputContract ?? .mnist)
        if let recorded = resumed?.metadata.trainingDataSHA256, recorded != data.digest {
            printError("warning: the training data differs from the data the model was trained on (SHA-256 \(recorded.prefix(12))…)")
        }

        let stop = StopFlag()
        let signals = installInterruptHandler(stop)
        defer { signals.cancel() }

        let reporter = TrainingReporter(
            live: standardErrorIsTerminal && !plain, batchSize: configuration.batchSize)
        var history: [EpochRecord] = resumed?.history ?? []
        let result = try Trainer(configuration: configuration).train(
            data: data, resuming: resumed,
            onEvent: { event in
                reporter.report(event)
                if case .epochFinished(let record) = event { history.append(record) }
            },
            afterEpoch: { model in
                if let metrics { try writeText(MetricsCSV.text(history), to: metrics) }
                if let plot {
                    do { try AtomicFile.write(try LearningCurvesPicture.render(history).png(), to: plot, overwrite: true) } catch {
                        throw InContext("cannot draw \(plot)", error)
                    }
                }
                if checkpoint { try write(model) }
            },
            shouldStop: { stop.isRaised })

        var model = result.model
        if result.interrupted {
            try write(model)
            printError("interrupted: saved the model after \(model.history.count) complete epochs (and part of the next) to \(modelPath); continue with --resume \(modelPath)")
            throw ExitCode(130)
        }
        let evaluation = try Evaluation.run(model, on: test)
        model.metadata.testAccuracy = evaluation.accuracy
        try write(model)
        let validationText = model.metadata.validationAccuracy.map { String(format: "validation %.2f%%, ", $0 * 100) } ?? ""
        print(String(format: "saved %@: %@test %.2f%% (%d of %d correct)", modelPath, validationText, evaluation.accuracy * 100, evaluation.correct, evaluation.total))
    }

    /// Explicit options override the base recipe.
    private func apply(to configuration: inout TrainingConfiguration) {
        if let layers { configuration.layerSizes = layers }
        if let activation { configuration.hiddenActivation = activation.activation }
        if let outputActivation { configuration.outputActivation = outputActivation.activation }
        if let cost { configuration.cost = cost }
        if let epochs { configuration.epochs = epochs }
        if let batchSize { configuration.batchSize = batchSize }
        if let learningRate { configuration.learningRate = learningRate }
        if let weightDecay { configuration.weightDecay = weightDecay }
        if let momentum { configuration.momentum = momentum }
        if let initialization { configuration.initialization = initialization }
        if let schedule { configuration.schedule = schedule }
        if let stepEpochs { configuration.stepEpochs = stepEpochs }
        if let stepFactor { configuration.stepFactor = stepFactor }
        if let earlyStop { configuration.earlyStopPatience = earlyStop }
        if let seed { configuration.seed = seed }
        if let threads { configuration.threads = threads }
        if let validation { configuration.validationSize = validation }
        if let augmentShift { configuration.augmentShift = augmentShift }
        if let augmentation = augmentOptions.augmentation { configuration.augmentation = augmentation }
        if let precision { configuration.precision = precision }
    }

    private func loadData() throws -> (MNISTDataset, MNISTDataset) {
        let train = try MNISTDataset.files(in: data, prefix: "train")
        let test = try MNISTDataset.files(in: data, prefix: "t10k")
        let training = try MNISTDataset.load(images: train.images, labels: train.labels)
        let testing = try MNISTDataset.load(images: test.images, labels: test.labels)
        guard testing.pixelsPerImage == training.pixelsPerImage else {
            throw CLIError("the test images are \(testing.rows)×\(testing.columns) but the training images \(training.rows)×\(training.columns)")
        }
        return (training, testing)
    }

    private func write(_ model: Model) throws {
        var stamped = model
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init) {
            stamped.metadata.created = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: epoch))
        }
        try AtomicFile.write(try ModelFile.encode(stamped), to: modelPath, overwrite: true)
    }

    private func writeText(_ text: String, to path: String) throws {
        try AtomicFile.write(Array(text.utf8), to: path, overwrite: true)
    }

    private func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }
}

/// Parses `784,100,10`.
private func parseSizes(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let sizes = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard sizes.count == parts.count, sizes.count >= 2 else {
        throw ValidationError("--layers takes sizes separated by commas, such as 784,100,10; got \"\(text)\".")
    }
    return sizes
}

/// Ctrl-C raises `flag`; a second Ctrl-C ends the process at once.
private func installInterruptHandler(_ flag: StopFlag) -> any DispatchSourceSignal {
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler {
        if flag.raise() { _exit(130) }
        printError("\nstopping after this mini-batch (Ctrl-C again to quit at once)")
    }
    source.resume()
    return source
}

/// The activations a hidden layer may use.
enum HiddenActivation: String, ExpressibleByArgument, CaseIterable {
    case sigmoid, tanh, relu

    var activation: Activation {
        switch self {
        case .sigmoid: .sigmoid
        case .tanh: .tanh
        case .relu: .relu
        }
    }
}

/// The activations the output layer may use.
enum OutputActivation: String, ExpressibleByArgument, CaseIterable {
    case sigmoid, softmax

    var activation: Activation { self == .sigmoid ? .sigmoid : .softmax }
}

extension Cost: ExpressibleByArgument {}
extension Initialization: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension TrainingPrecision: ExpressibleByArgument {}
