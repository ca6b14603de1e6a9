import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Full-MNIST training runs against the accuracy targets. Opt-in (FNN_SLOW_TESTS=1) and
/// meant for a release build: `.ci/run` runs them with `swift test -c release`.
@Suite(.enabled(if: Fixtures.slowTestsEnabled && Fixtures.hasMNIST, "set FNN_SLOW_TESTS=1 (and have MNIST) to run"))
struct AccuracyTargetTests {
    static func train(_ arguments: [String], environment: [String: String] = [:]) throws -> (model: Model, path: String) {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/model.fnn"
        let run = try RunFNN.run(["train", "--data", Fixtures.mnist, "--output", path, "--plain"] + arguments, environment: environment)
        #expect(run.status == 0, "\(run.standardError)")
        return (try ModelFile.load(contentsOf: path).model, path)
    }

    /// The target is 95.0 % (median of 3 seeds). The lecture's own network.py,
    /// run here on the same data (5 seeds), ends at a median of 95.06 % (94.91–95.49 %),
    /// and fnn's median over seeds 1–3 is 94.96 %: this checks that fnn converges like the
    /// reference, within 0.2 points of its median. See the README for the figures.
    @Test func theClassicSetupConvergesLikeNetworkPy() throws {
        var accuracies: [Double] = []
        for seed in 1...3 {
            let (model, _) = try Self.train(["--classic", "--seed", String(seed)])
            #expect(model.history.count == 30)
            accuracies.append(model.metadata.testAccuracy ?? 0)
        }
        let median = accuracies.sorted()[1]
        #expect(median >= 0.9506 - 0.002, "median test accuracy \(median) of \(accuracies)")
    }

    /// network2.py itself, run here with this setup, ends at 97.39 % and 97.58 % on the
    /// test set (seeds 1 and 2); the book's 97.92 % (validation) did not reproduce.
    @Test func theNetwork2SetupDoesAsWellAsNetwork2Py() throws {
        let (model, _) = try Self.train([
            "--layers", "784,100,10", "--activation", "sigmoid", "--output-activation", "sigmoid", "--cost", "cross-entropy",
            "--weight-decay", "5", "--learning-rate", "0.5", "--momentum", "0", "--init", "scaled-normal",
            "--schedule", "constant", "--batch-size", "10", "--epochs", "30", "--seed", "1",
        ])
        #expect((model.metadata.testAccuracy ?? 0) >= 0.9739, "test accuracy \(model.metadata.testAccuracy ?? 0)")
    }

    @Test func theDefaultRecipeReaches98Point3PercentIn30Epochs() throws {
        let (model, _) = try Self.train([])
        #expect(model.history.count <= 30)
        #expect((model.metadata.testAccuracy ?? 0) >= 0.983, "test accuracy \(model.metadata.testAccuracy ?? 0)")
    }

    @Test func theBundledModelIsReproducedByItsRecipe() throws {
        let bundled = try ModelFile.load(contentsOf: Fixtures.samples + "/model/mnist.fnn").model
        #expect((bundled.metadata.testAccuracy ?? 0) >= 0.985)
        // The recipe in the README, with the kernel and thread count it was made with.
        let environment = ["OPENBLAS_CORETYPE": "Haswell"]
        let (model, path) = try Self.train(
            ["--layers", "784,512,10", "--augment-shift", "2", "--seed", "1", "--threads", "2"], environment: environment)
        #expect((model.metadata.testAccuracy ?? 0) >= 0.985)
        // fnn convert names what it writes by the extension: an .fnn name.
        let converted = String(path.dropLast(4)) + "-f16.fnn"
        let run = try RunFNN.run(["convert", path, converted, "--dtype", "f16", "--drop-training-state"])
        #expect(run.status == 0)
        // Bit-identical results need the same kernel code paths: OpenBLAS's Haswell kernel and
        // glibc's FMA math, which every machine of this project's kind has.
        let flags = BLASCoreSelection.cpuFlags()
        if flags.contains("fma") && flags.contains("avx2") {
            #expect(try Fixtures.bytes(converted) == (try Fixtures.bytes(Fixtures.samples + "/model/mnist.fnn")))
        }
    }
}
