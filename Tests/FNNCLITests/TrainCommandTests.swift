import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `fnn train` on a small synthetic dataset in MNIST's file format.
@Suite struct TrainCommandTests {
    static let arguments = [
        "--layers", "16,8,3", "--epochs", "3", "--batch-size", "10", "--learning-rate", "0.1", "--validation", "100",
        "--threads", "1", "--plain",
    ]

    static func dataFolder() throws -> String {
        let folder = try Fixtures.temporaryFolder()
        try SyntheticDigits.writeIDX(to: folder)
        return folder
    }

    @Test func trainsSavesAndRecordsEverything() throws {
        let folder = try Self.dataFolder()
        let model = folder + "/model.fnn"
        let metrics = folder + "/metrics.csv"
        let run = try RunFNN.run(["train", "--data", folder, "--output", model, "--metrics", metrics] + Self.arguments)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("saved \(model): validation "))
        #expect(run.standardError.contains("epoch 3/3: cost "))
        let loaded = try ModelFile.load(contentsOf: model).model
        #expect(loaded.sizes == [16, 8, 3])
        #expect(loaded.history.count == 3)
        #expect(loaded.hyperparameters.learningRate == 0.1)
        #expect(loaded.hyperparameters.batchSize == 10)
        #expect(loaded.hyperparameters.validationSize == 100)
        #expect(loaded.metadata.testAccuracy != nil)
        #expect(loaded.metadata.trainingDataSHA256?.count == 64)
        let rows = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "epoch,train_cost,train_accuracy,validation_accuracy,learning_rate,seconds")
        #expect(rows.count == 4)
        #expect(try RunFNN.run(["inspect", model]).status == 0)
    }

    @Test func theSameSeedGivesTheSameFile() throws {
        let folder = try Self.dataFolder()
        for name in ["a", "b"] {
            let run = try RunFNN.run(["train", "--data", folder, "--output", "\(folder)/\(name).fnn", "--seed", "42"] + Self.arguments)
            #expect(run.status == 0)
        }
        #expect(try Fixtures.bytes(folder + "/a.fnn") == (try Fixtures.bytes(folder + "/b.fnn")))
    }

    @Test func classicIsTheLecturesSetup() throws {
        let run = try RunFNN.run(["train", "--help"])
        #expect(run.standardOutput.contains("--classic"))
        let folder = try Self.dataFolder()
        let model = folder + "/classic.fnn"
        let trained = try RunFNN.run([
            "train", "--data", folder, "--output", model, "--classic", "--layers", "16,5,3", "--epochs", "1",
            "--validation", "100", "--plain",
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        let loaded = try ModelFile.load(contentsOf: model).model
        #expect(loaded.cost == .quadratic)
        #expect(loaded.layers.allSatisfy { $0.activation == .sigmoid })
        #expect(loaded.hyperparameters.learningRate == 3.0)
        #expect(loaded.hyperparameters.batchSize == 10)
        #expect(loaded.hyperparameters.initialization == .normal)
        #expect(loaded.hyperparameters.epochs == 1)
    }

    @Test(arguments: [
        (["--layers", "17,8,3"], "the input layer has 17 neurons but the images have 16 pixels"),
        (["--layers", "16,8,4"], "the output layer has 4 neurons but the data has 3 classes"),
        (["--batch-size", "600"], "the batch size 600 is larger than the 500 training images"),
        (["--validation", "600"], "leaves no training images"),
    ] as [([String], String)])
    func badSettingsFailBeforeTraining(extra: [String], message: String) throws {
        let folder = try Self.dataFolder()
        let model = folder + "/model.fnn"
        let run = try RunFNN.run(["train", "--data", folder, "--output", model] + Self.arguments + extra)
        #expect(run.status == 1)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(!run.standardError.contains("epoch 1/"))
        #expect(!FileManager.default.fileExists(atPath: model))
    }

    @Test(arguments: [
        (["--learning-rate", "0"], "the learning rate must be positive"),
        (["--learning-rate=-1"], "the learning rate must be positive"),
        (["--batch-size", "0"], "the batch size must be positive"),
        (["--momentum", "1"], "the momentum must be in [0, 1)"),
        (["--layers", "16,x,3"], "--layers takes sizes separated by commas"),
    ] as [([String], String)])
    func badValuesAreUsageErrors(extra: [String], message: String) throws {
        let run = try RunFNN.run(["train", "--data", "/nonexistent"] + extra)
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.contains(message), "\(run.standardError)")
    }

    @Test func missingOrDamagedDataIsNamed() throws {
        let missing = try RunFNN.run(["train", "--data", "/nonexistent/mnist", "--output", "/tmp/never.fnn"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("has no train-images-idx3-ubyte"))
        let folder = try Self.dataFolder()
        let labels = folder + "/train-labels-idx1-ubyte"
        var bytes = try Fixtures.bytes(labels)
        bytes[20] = 42
        try Data(bytes).write(to: URL(fileURLWithPath: labels))
        let damaged = try RunFNN.run(["train", "--data", folder, "--output", folder + "/m.fnn"] + Self.arguments)
        #expect(damaged.status == 1)
        #expect(damaged.standardError.contains("label 42 of item 12 is over 9"))
    }

    /// `--output` is the model file, as in every command; the output layer's activation is
    /// `--output-activation`; the old `--save` still names the file.
    @Test(arguments: [["-o"], ["--output"], ["--save"]])
    func outputNamesTheModelFile(option: [String]) throws {
        let folder = try Self.dataFolder()
        let model = folder + "/m.fnn"
        let run = try RunFNN.run(["train", "--data", folder] + option + [model, "--output-activation", "sigmoid"] + Self.arguments)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("saved \(model): "))
        let loaded = try ModelFile.load(contentsOf: model).model
        #expect(loaded.layers.last?.activation == .sigmoid)
    }

    /// An old command line that gave the activation with `--output` is refused with a
    /// pointer to `--output-activation`, before anything is read or written.
    @Test(arguments: [
        (["--output", "softmax"], "use --output-activation softmax"),
        (["--output=sigmoid", "--save", "m.fnn"], "use --output-activation sigmoid"),
        (["--save", "m.fnn", "--output", "Softmax"], "use --output-activation softmax"),
        (["-o", "relu"], "the hidden layers' is --activation relu"),
        (["--output", "m.fnn", "--save", "n.fnn"], "--save is the older name of --output"),
        (["--resume", "m.fnn", "--output-activation", "softmax"], "leave out --layers, --activation, --output-activation and --cost"),
    ] as [([String], String)])
    func anActivationAsOutputIsAUsageError(extra: [String], message: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["train", "--data", "/nonexistent"] + extra, currentDirectory: folder)
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    /// The way out the message offers: ./softmax is a file name, so train goes on to read
    /// the data.
    @Test func aFileNamedLikeAnActivationIsWrittenWithDotSlash() throws {
        let run = try RunFNN.run(["train", "--data", "/nonexistent/mnist", "-o", "./softmax"])
        #expect(run.status == 1, "\(run.standardError)")
        #expect(run.standardError.contains("has no train-images-idx3-ubyte"), "\(run.standardError)")
    }

    @Test func neverReplacesAModelWithoutForce() throws {
        let folder = try Self.dataFolder()
        let model = folder + "/model.fnn"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: model))
        let run = try RunFNN.run(["train", "--data", folder, "--output", model] + Self.arguments)
        #expect(run.status == 1)
        #expect(run.standardError.contains("already exists"))
        #expect(try String(contentsOfFile: model, encoding: .utf8) == "precious")
    }

    @Test func checkpointsSurviveAKill() throws {
        let folder = try Fixtures.temporaryFolder()
        try SyntheticDigits.writeIDX(to: folder, training: 20_000, test: 100)
        let model = folder + "/model.fnn"
        let training = try RunningFNN([
            "train", "--data", folder, "--output", model, "--layers", "16,64,3", "--epochs", "1000", "--batch-size", "1",
            "--learning-rate", "0.01", "--validation", "100", "--threads", "1", "--plain", "--checkpoint",
        ])
        // By the end of epoch 2, epoch 1's checkpoint has been written.
        #expect(training.wait(for: "epoch 2/1000", seconds: 120))
        kill(training.process.processIdentifier, SIGKILL)
        _ = training.finish()
        // The checkpoint written after epoch 1 is whole.
        #expect(try RunFNN.run(["inspect", model]).status == 0)
        #expect(try ModelFile.load(contentsOf: model).model.history.count >= 1)
    }

    @Test func ctrlCSavesAValidModelThatResumes() throws {
        let folder = try Fixtures.temporaryFolder()
        try SyntheticDigits.writeIDX(to: folder, training: 20_000, test: 100)
        let model = folder + "/model.fnn"
        let training = try RunningFNN([
            "train", "--data", folder, "--output", model, "--layers", "16,64,3", "--epochs", "1000", "--batch-size", "1",
            "--learning-rate", "0.01", "--validation", "100", "--threads", "1", "--plain",
        ])
        #expect(training.wait(for: "epoch 1/1000", seconds: 120))
        training.process.interrupt()
        #expect(training.finish() == 130)
        #expect(training.standardError.contains("interrupted: saved the model"))
        let inspect = try RunFNN.run(["inspect", model])
        #expect(inspect.status == 0, "\(inspect.standardOutput)")
        let saved = try ModelFile.load(contentsOf: model).model
        #expect(saved.history.count >= 1)
        #expect(saved.history.count < 1000)

        // Resume for one more epoch than were done.
        let resumed = try RunFNN.run([
            "train", "--data", folder, "--output", model, "--resume", model, "--epochs", String(saved.history.count + 1), "--plain",
        ])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try ModelFile.load(contentsOf: model).model.history.count == saved.history.count + 1)
    }
}
