import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The crash windows of the hot-folder protocol, staged by hand.
@Suite struct WatchProcessorTests {
    static func setUp() throws -> WatchProcessor {
        let root = try Fixtures.temporaryFolder()
        let processor = WatchProcessor(layout: WatchLayout(root: root), threads: 1)
        try processor.prepareFolders()
        return processor
    }

    static func digit() throws -> Data {
        Data(try Fixtures.bytes(Fixtures.samples + "/digits/mnist/7/0000.png"))
    }

    @Test func aCrashAfterTheResultOnlyMovesTheImage() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Self.digit().write(to: URL(fileURLWithPath: layout.processing + "/a.png"))
        let line = "{\"file\":\"a.png\",\"prediction\":\"7\",\"confidence\":0.99,\"probabilities\":[],\"model_sha256\":\"x\"}\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: processor.logPath))
        #expect(processor.recover().isEmpty)
        #expect(FileManager.default.fileExists(atPath: layout.done + "/a.png"))
        #expect(try String(contentsOfFile: processor.logPath, encoding: .utf8) == line)
    }

    @Test func aTornLastLineIsCutAndItsImageRedone() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Self.digit().write(to: URL(fileURLWithPath: layout.processing + "/b.png"))
        let whole = "{\"file\":\"z.png\",\"prediction\":\"1\"}\n"
        try Data((whole + "{\"file\":\"b.png\",\"predi").utf8).write(to: URL(fileURLWithPath: processor.logPath))
        #expect(processor.recover() == ["b.png"])
        #expect(try String(contentsOfFile: processor.logPath, encoding: .utf8) == whole)
        let model = try BundledModel.load()
        let outcomes = try processor.process(["b.png"], predictor: processor.predictor(for: model), modelDigest: "d")
        #expect(outcomes.map(\.name) == ["b.png"])
        #expect(outcomes.first?.prediction == "7")
        #expect(outcomes.first?.error == nil)
        let lines = try String(contentsOfFile: processor.logPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(FileManager.default.fileExists(atPath: layout.done + "/b.png"))
    }

    @Test func reusedNamesGetASuffix() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Self.digit().write(to: URL(fileURLWithPath: layout.done + "/c.png"))
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/c.png"))
        #expect(processor.claim(["c.png"]) == ["c~2.png"])
    }

    @Test func symlinksAndIgnoredNamesAreLeftAlone() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/.hidden.png"))
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/copy.png.part"))
        try FileManager.default.createSymbolicLink(
            atPath: layout.incoming + "/link.png", withDestinationPath: Fixtures.samples + "/digits/mnist/7/0000.png")
        #expect(processor.claim(["link.png", ".hidden.png", "copy.png.part"]).isEmpty)
        #expect(processor.scanIncoming().isEmpty)
    }
}
