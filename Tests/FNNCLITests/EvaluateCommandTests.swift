import FNNTestSupport
import Foundation
import Testing

@Suite struct EvaluateCommandTests {
    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST in ../shared/datasets/mnist"))
    func network2ModelScoresAsNetwork2Does() throws {
        let folder = try Fixtures.temporaryFolder()
        let model = folder + "/n2.fnn"
        #expect(try RunFNN.run(["convert", Fixtures.interchange + "/network2-784-30-10.json", model]).status == 0)
        let run = try RunFNN.run(["evaluate", model, "--data", Fixtures.mnist])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("accuracy: 94.45% (9445 of 10000 correct)"))
        #expect(run.standardOutput.contains("confusion matrix"))
        let json = try RunFNN.run(["evaluate", model, "--data", Fixtures.mnist, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(object?["correct"] as? Int == 9445)
        #expect((object?["confusion"] as? [[Int]])?.count == 10)
        #expect((object?["classes"] as? [[String: Any]])?.count == 10)
    }

    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST in ../shared/datasets/mnist"))
    func explicitFilesAndMismatches() throws {
        let images = Fixtures.mnist + "/t10k-images-idx3-ubyte.gz"
        let labels = Fixtures.mnist + "/t10k-labels-idx1-ubyte.gz"
        let swapped = try RunFNN.run(["evaluate", Fixtures.vectors + "/v2-f32.fnn", "--images", labels, "--labels", images])
        #expect(swapped.status == 1)
        #expect(swapped.standardError.contains("wrong magic number"))
        let small = try RunFNN.run(["evaluate", Fixtures.vectors + "/v2-f32.fnn", "--images", images, "--labels", labels])
        #expect(small.status == 1)
        #expect(small.standardError.contains("the model takes 6 inputs but the images have 28×28 = 784 pixels"))
    }

    @Test func dataMustBeGiven() throws {
        let run = try RunFNN.run(["evaluate", "m.fnn"])
        #expect(run.status == 64)
        #expect(run.standardError.contains("--data DIR"))
        let folder = try Fixtures.temporaryFolder()
        let empty = try RunFNN.run(["evaluate", Fixtures.vectors + "/v2-f32.fnn", "--data", folder])
        #expect(empty.status == 1)
        #expect(empty.standardError.contains("has no t10k-images-idx3-ubyte"))
    }
}

/// The model inside fnn: trained by fnn's recipe, ≥ 98.5 % on the test set, ≤ 2 MB.
@Suite struct BundledModelTests {
    @Test func isSmallIntactAndFromAnyFolder() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["inspect", "--json"], currentDirectory: folder)
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["intact"] as? Bool == true)
        #expect((object["bytes"] as? Int ?? .max) <= 2_000_000)
        // The resource is the file under samples/.
        let samples = try Fixtures.bytes(Fixtures.samples + "/model/mnist.fnn")
        #expect(samples.count == object["bytes"] as? Int)
    }

    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST in ../shared/datasets/mnist"))
    func scoresAtLeast98Point5Percent() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["evaluate", "--data", Fixtures.mnist, "--json"], currentDirectory: folder)
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect((object["correct"] as? Int ?? 0) >= 9850)
        #expect(object["model"] as? String == "bundled model")
    }

    /// The model is the argument or, as in predict and watch, --model; not both.
    @Test func theModelIsAnArgumentOrAnOption() throws {
        let folder = try Fixtures.temporaryFolder()
        try SyntheticDigits.writeIDX(to: folder)
        let model = Fixtures.vectors + "/v2-f32.fnn"
        let images = folder + "/t10k-images-idx3-ubyte"
        let labels = folder + "/t10k-labels-idx1-ubyte"
        let positional = try RunFNN.run(["evaluate", model, "--images", images, "--labels", labels])
        let option = try RunFNN.run(["evaluate", "--model", model, "--images", images, "--labels", labels])
        // v2-f32.fnn takes 6 inputs, so both fail the same way, naming the model they read.
        #expect(option.status == positional.status)
        #expect(option.standardError.contains("v2-f32.fnn: the model takes 6 inputs"), "\(option.standardError)")
        #expect(option.standardOutput == positional.standardOutput)
        #expect(option.standardError == positional.standardError)
        let both = try RunFNN.run(["evaluate", model, "--model", model, "--data", folder])
        #expect(both.status == 64)
        #expect(both.standardError.contains("Name the model once: as the <model> argument or with --model, not both."))
    }
}
