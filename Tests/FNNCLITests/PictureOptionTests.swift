import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The picture options of inspect, evaluate, predict and train write decodable PNGs of the
/// expected size, the same bytes every time, and never replace a file without --force.
@Suite struct PictureOptionTests {
    static func size(_ path: String) throws -> (Int, Int) {
        let image = try PNGCodec.decodeRGB(try Fixtures.bytes(path))
        return (image.width, image.height)
    }

    @Test func inspectDrawsWeightsAndCurves() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["inspect", "--render-weights", folder + "/w.png", "--plot", folder + "/c.png"])
        #expect(run.status == 0, "\(run.standardError)")
        let (width, height) = try Self.size(folder + "/w.png")
        #expect(width >= 23 * 28 && height >= 23 * 28)  // 512 units: 23 columns of 28 × 28 tiles
        #expect(try Self.size(folder + "/c.png") == (640, 400))
        let again = try RunFNN.run(["inspect", "--render-weights", folder + "/w2.png"])
        #expect(again.status == 0)
        #expect(try Fixtures.bytes(folder + "/w.png") == (try Fixtures.bytes(folder + "/w2.png")))
        let refused = try RunFNN.run(["inspect", "--plot", folder + "/c.png"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("already exists"))
        let noHistory = try RunFNN.run(["inspect", Fixtures.vectors + "/v2-minimal.fnn", "--plot", folder + "/none.png"])
        #expect(noHistory.status == 1)
        #expect(noHistory.standardError.contains("no training history"))
    }

    @Test func predictDrawsAContactSheet() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["predict", Fixtures.samples + "/digits/mnist", "--contact-sheet", folder + "/s.png"])
        #expect(run.status == 0, "\(run.standardError)")
        let (width, height) = try Self.size(folder + "/s.png")
        #expect(width == 16 * 68 + 20)
        #expect(height == 4 * 78 + 20 + 18)  // 50 digits in rows of 16
    }

    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST"))
    func evaluateDrawsTheConfusionMatrix() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["evaluate", "--data", Fixtures.mnist, "--confusion", folder + "/m.png"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Self.size(folder + "/m.png") == (60 + 400 + 20, 50 + 400 + 40))
    }

    @Test func trainDrawsItsCurves() throws {
        let folder = try Fixtures.temporaryFolder()
        try SyntheticDigits.writeIDX(to: folder)
        let run = try RunFNN.run([
            "train", "--data", folder, "--output", folder + "/m.fnn", "--layers", "16,8,3", "--epochs", "2",
            "--validation", "100", "--plot", folder + "/curves.png", "--plain",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(try Self.size(folder + "/curves.png") == (640, 400))
    }
}
