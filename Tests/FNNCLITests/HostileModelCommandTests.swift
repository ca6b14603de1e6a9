import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Crafted model files, checksums recomputed, fed to every command that reads a model:
/// each refuses with a message naming the chunk, the field and the byte offset, exits 1,
/// and writes nothing.
@Suite struct HostileModelCommandTests {
    static let crafted = Fixtures.root + "/Tests/Fixtures/fuzz/regressions/tensor-rows-columns-overflow.fnn"
    /// The first TENS chunk of v2-f32.fnn starts at byte 72; its rows field is 16 bytes in.
    static let expected = "byte 88, chunk TENS: the rows and columns fields declare 4294967295×4294967295 elements, over the limit of 2^28"

    @Test func inspectNamesTheChunkFieldAndOffset() throws {
        let run = try RunFNN.run(["inspect", Self.crafted])
        #expect(run.status == 1)
        #expect(run.standardError.contains(Self.expected), "\(run.standardError)")
        #expect(!run.standardError.contains("Fatal error"))
        let json = try RunFNN.run(["inspect", "--json", Self.crafted])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "limit")
        #expect(error?["offset"] as? Int == 88)
        #expect(error?["chunk"] as? String == "TENS")
    }

    @Test func convertRefusesAndWritesNothing() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for output in ["out.fnn", "out.onnx", "out.json"] {
            let run = try RunFNN.run(["convert", Self.crafted, folder + "/" + output])
            #expect(run.status == 1)
            #expect(run.standardError.contains(Self.expected), "\(run.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func predictAndEvaluateRefuseTheModel() throws {
        let predict = try RunFNN.run(["predict", "--model", Self.crafted, Fixtures.samples + "/digits/mnist"])
        #expect(predict.status == 1)
        #expect(predict.standardError.contains(Self.expected), "\(predict.standardError)")
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let evaluate = try RunFNN.run(["evaluate", Self.crafted, "--data", folder])
        #expect(evaluate.status == 1)
        #expect(evaluate.standardError.contains(Self.expected), "\(evaluate.standardError)")
    }

    @Test func aModelWhoseWeightsOverflowIsRefusedAtLoad() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/overflow.fnn"
        try Data(try ModelFile.encode(CraftedModel.overflowing())).write(to: URL(fileURLWithPath: path))
        let predict = try RunFNN.run(["predict", "--model", path, Fixtures.samples + "/digits/mnist"])
        #expect(predict.status == 1)
        #expect(predict.standardError.contains("not finite"), "\(predict.standardError)")
        #expect(!predict.standardOutput.contains("nan"))
    }

    @Test func pictureOptionsAgreeWithTheReader() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Extreme but finite history values: the reader takes them, so the plot must draw them.
        let extreme = Fixtures.root + "/Tests/Fixtures/fuzz/regressions/history-extreme-values.fnn"
        let plot = try RunFNN.run(["inspect", extreme, "--plot", folder + "/curves.png"])
        #expect(plot.status == 0, "\(plot.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder + "/curves.png"))
        // Negative image sides: the reader refuses them, so no picture is attempted.
        let negative = Fixtures.root + "/Tests/Fixtures/fuzz/regressions/meta-negative-sides.fnn"
        let weights = try RunFNN.run(["inspect", negative, "--render-weights", folder + "/weights.png"])
        #expect(weights.status == 1)
        #expect(weights.standardError.contains("chunk meta: input.width is -3"), "\(weights.standardError)")
    }

    static func idx(magic: UInt32, dimensions: [UInt32], data: [UInt8]) -> Data {
        var bytes: [UInt8] = []
        for value in [magic] + dimensions { bytes += withUnsafeBytes(of: value.bigEndian, Array.init) }
        return Data(bytes + data)
    }

    /// The messages that once puzzled: each says what is wrong in the user's terms.
    @Test func emptyAndMismatchedDataAreExplained() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // No images at all.
        try Self.idx(magic: 0x803, dimensions: [0, 28, 28], data: []).write(to: URL(fileURLWithPath: folder + "/t10k-images-idx3-ubyte"))
        try Self.idx(magic: 0x801, dimensions: [0], data: []).write(to: URL(fileURLWithPath: folder + "/t10k-labels-idx1-ubyte"))
        try Self.idx(magic: 0x803, dimensions: [0, 28, 28], data: []).write(to: URL(fileURLWithPath: folder + "/train-images-idx3-ubyte"))
        try Self.idx(magic: 0x801, dimensions: [0], data: []).write(to: URL(fileURLWithPath: folder + "/train-labels-idx1-ubyte"))
        let evaluate = try RunFNN.run(["evaluate", "--data", folder])
        #expect(evaluate.status == 1)
        #expect(evaluate.standardError.contains("the data holds no images"), "\(evaluate.standardError)")
        let train = try RunFNN.run(["train", "--data", folder, "--output", folder + "/m.fnn"])
        #expect(train.status == 1)
        #expect(train.standardError.contains("the training images file holds no images"), "\(train.standardError)")

        // A 3-output model on data labelled up to 9.
        let digits = (0..<10).flatMap { _ in [UInt8](repeating: 0, count: 784) }
        try Self.idx(magic: 0x803, dimensions: [10, 28, 28], data: digits).write(to: URL(fileURLWithPath: folder + "/t10k-images-idx3-ubyte"))
        try Self.idx(magic: 0x801, dimensions: [10], data: Array(0..<10)).write(to: URL(fileURLWithPath: folder + "/t10k-labels-idx1-ubyte"))
        let small = Layer(
            activation: .sigmoid, weights: .f64(rows: 3, columns: 784, [Double](repeating: 0.01, count: 3 * 784)),
            biases: .f64(rows: 3, columns: 1, [0, 0, 0]))
        try Data(try ModelFile.encode(Model(layers: [small], cost: .quadratic))).write(to: URL(fileURLWithPath: folder + "/three.fnn"))
        let mismatch = try RunFNN.run(["evaluate", folder + "/three.fnn", "--data", folder])
        #expect(mismatch.status == 1)
        #expect(mismatch.standardError.contains("the model has 3 outputs (classes 0–2), but the data has label 3 (item 3)"), "\(mismatch.standardError)")

        // A 783-input model given to predict.
        let narrow = Layer(
            activation: .sigmoid, weights: .f64(rows: 10, columns: 783, [Double](repeating: 0.01, count: 7830)),
            biases: .f64(rows: 10, columns: 1, [Double](repeating: 0, count: 10)))
        try Data(try ModelFile.encode(Model(layers: [narrow], cost: .quadratic))).write(to: URL(fileURLWithPath: folder + "/narrow.fnn"))
        let predict = try RunFNN.run(["predict", "--model", folder + "/narrow.fnn", Fixtures.samples + "/digits/mnist"])
        #expect(predict.status == 1)
        #expect(predict.standardError.contains("the model takes 783 inputs"), "\(predict.standardError)")
    }
}
