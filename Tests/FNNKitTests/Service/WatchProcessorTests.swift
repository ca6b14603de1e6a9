import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The crash windows of the hot-folder protocol, staged by hand.
@Suite struct WatchProcessorTests {
    static func setUp() throws -> WatchProcessor {
        let root = try Fixtures.temporaryFolder()
        let processor = WatchProcessor(layout: WatchLayout(root: root), instance: "test", threads: 1)
        try processor.prepareFolders()
        return processor
    }

    /// The first sample PNG of digit `label`.
    static func digit(_ label: Int = 7) throws -> Data {
        let folder = Fixtures.samples + "/digits/mnist/\(label)"
        let first = try #require(Fixtures.files(in: folder, withExtension: "png").first)
        return Data(try Fixtures.bytes(folder + "/" + first))
    }

    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A claim folder of `processor`'s instance holding `files`, as a crashed run of that
    /// instance leaves it.
    static func stage(_ processor: WatchProcessor, id: String, _ files: [String: Data]) throws {
        try stage(processor, folder: "claim-\(processor.instance)-" + id.dropFirst("claim-".count), files)
    }

    /// The folder `folder` in `processing` holding `files` (another instance's claim, or
    /// an ownerless `claim-<16 hex>` of an fnn from before instances).
    static func stage(_ processor: WatchProcessor, folder name: String, _ files: [String: Data]) throws {
        let folder = processor.layout.processing + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: folder + "/" + name)) }
    }

    static let claimA = "claim-00000000000000a1"
    static let claimB = "claim-00000000000000b2"

    @Test func aCrashAfterTheResultOnlyMovesTheImage() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, id: Self.claimA, ["a.png": try Self.digit()])
        let line = "{\"file\":\"a.png\",\"prediction\":\"7\",\"confidence\":0.99,\"probabilities\":[],\"model_sha256\":\"x\",\"claim\":\"\(Self.claimA)\"}\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: processor.logPath))
        #expect(processor.recover().isEmpty)
        #expect(FileManager.default.fileExists(atPath: processor.layout.done + "/a.png"))
        #expect(Self.names(processor.layout.processing).isEmpty)
        #expect(try String(contentsOfFile: processor.logPath, encoding: .utf8) == line)
    }

    /// The scenario, staged: `a.png` (a 7) was processed under one claim and
    /// archived; a different image under the same name is claimed and the daemon dies.
    /// The old line names another claim, so the new input is redone, not moved.
    @Test func aReusedNameDoesNotInheritAnOldResult() throws {
        let processor = try Self.setUp()
        let old = "{\"file\":\"a.png\",\"prediction\":\"7\",\"confidence\":0.99,\"probabilities\":[],\"model_sha256\":\"x\",\"claim\":\"\(Self.claimA)\"}\n"
        try Data(old.utf8).write(to: URL(fileURLWithPath: processor.logPath))
        try Self.stage(processor, id: Self.claimB, ["a.png": try Self.digit(3)])
        let pending = processor.recover()
        #expect(pending == [WatchProcessor.Batch(id: Self.claimB, names: [BytePath("a.png")])])
        #expect(Self.names(processor.layout.done).isEmpty)
        let model = try BundledModel.load()
        let outcomes = try processor.process(try #require(pending.first), predictor: processor.predictor(for: model), modelDigest: "d")
        #expect(outcomes.first?.prediction == "3")
        let lines = try String(contentsOfFile: processor.logPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains("\"claim\":\"\(Self.claimB)\"") == true)
    }

    /// The two windows that leave an empty claim folder: a crash between creating it and
    /// the first rename (nothing logged), and between the last move and its removal (the
    /// input already in done/ with its line). The second is also what an observer sees
    /// for a moment while the daemon runs, which made the burst test flaky.
    @Test(arguments: [false, true])
    func anEmptyClaimFolderIsRemovedAndIsNeverABatch(_ afterTheLastMove: Bool) throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Self.stage(processor, id: Self.claimA, [:])
        var log = ""
        if afterTheLastMove {
            try Self.digit().write(to: URL(fileURLWithPath: layout.done + "/a.png"))
            log = "{\"file\":\"a.png\",\"prediction\":\"7\",\"claim\":\"\(Self.claimA)\"}\n"
            try Data(log.utf8).write(to: URL(fileURLWithPath: processor.logPath))
        }
        #expect(processor.hasLeftovers(), "the periodic check must hand it to recovery")
        #expect(processor.recover().isEmpty)
        #expect(Self.names(layout.processing).isEmpty)
        #expect(!processor.hasLeftovers())
        #expect(Self.names(layout.done) == (afterTheLastMove ? ["a.png"] : []))
        #expect(((try? String(contentsOfFile: processor.logPath, encoding: .utf8)) ?? "") == log)
    }

    /// Beside a claim folder with work in it, an empty one is removed and only the other
    /// is returned.
    @Test func anEmptyClaimFolderBesideWorkIsOnlyRemoved() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, id: Self.claimA, [:])
        try Self.stage(processor, id: Self.claimB, ["b.png": try Self.digit()])
        #expect(processor.recover() == [WatchProcessor.Batch(id: Self.claimB, names: [BytePath("b.png")])])
        #expect(Self.names(processor.layout.processing) == ["claim-test-00000000000000b2"])
    }

    /// An empty batch handed to `process` removes its folder instead of leaving it.
    @Test func processingAnEmptyBatchRemovesItsFolder() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, id: Self.claimA, [:])
        let model = try BundledModel.load()
        let outcomes = try processor.process(
            WatchProcessor.Batch(id: Self.claimA, names: []), predictor: processor.predictor(for: model), modelDigest: "d")
        #expect(outcomes.isEmpty)
        #expect(Self.names(processor.layout.processing).isEmpty)
    }

    @Test func aTornLastLineIsCutAndItsImageRedone() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, id: Self.claimA, ["b.png": try Self.digit()])
        let whole = "{\"file\":\"z.png\",\"prediction\":\"1\",\"claim\":\"\(Self.claimB)\"}\n"
        try Data((whole + "{\"file\":\"b.png\",\"predi").utf8).write(to: URL(fileURLWithPath: processor.logPath))
        let pending = processor.recover()
        #expect(pending == [WatchProcessor.Batch(id: Self.claimA, names: [BytePath("b.png")])])
        #expect(try String(contentsOfFile: processor.logPath, encoding: .utf8) == whole)
        let model = try BundledModel.load()
        let outcomes = try processor.process(try #require(pending.first), predictor: processor.predictor(for: model), modelDigest: "d")
        #expect(outcomes.map(\.name) == [BytePath("b.png")])
        #expect(outcomes.first?.prediction == "7")
        #expect(outcomes.first?.error == nil)
        let lines = try String(contentsOfFile: processor.logPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(FileManager.default.fileExists(atPath: processor.layout.done + "/b.png"))
    }

    /// Garbage, a huge torn line, invalid UTF-8, deep nesting and a line with the right
    /// claim but damaged JSON: recovery neither traps nor takes any of them as a result.
    static func hostileLog(_ index: Int) -> [UInt8] {
        switch index {
        case 0: Array(repeating: UInt8(ascii: "x"), count: 9 << 20)
        case 1: Array("{\"file\":\"c.png\",\"claim\":\"\(claimA)\",\"x\":".utf8) + Array(repeating: UInt8(ascii: "["), count: 200_000) + [0x0A]
        case 2: [0xFF, 0xFE, 0x0A, 0x00, 0x0A] + Array("{\"file\":\"c\u{FFFD}.png\",\"claim\":\"\(claimA)\"\n".utf8)
        case 3: Array("{\"file\":\"c.png\",\"claim\":\"\(claimA)\",\"file_bytes\":\"zz\"}\n".utf8)
        default: Array("\n\n{}\n[]\n\"claim\"\n".utf8) + Array(repeating: UInt8(ascii: "y"), count: 5 << 20)
        }
    }

    @Test(arguments: 0..<5)
    func hostileLogsAreReadSafely(_ index: Int) throws {
        let log = Self.hostileLog(index)
        let processor = try Self.setUp()
        try Self.stage(processor, id: Self.claimA, ["c.png": try Self.digit()])
        try Data(log).write(to: URL(fileURLWithPath: processor.logPath))
        #expect(processor.recover() == [WatchProcessor.Batch(id: Self.claimA, names: [BytePath("c.png")])])
        let after = try Fixtures.bytes(processor.logPath)
        #expect(after.isEmpty || after.last == 0x0A, "the log ends with a whole line")
        #expect(after.count <= log.count)
    }

    @Test func aResultLogThatIsAPipeIsNotOpenedForRecovery() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, id: Self.claimA, ["d.png": try Self.digit()])
        #expect(mkfifo(processor.logPath, 0o644) == 0)
        #expect(processor.recover().count == 1)
    }

    @Test func namesThatAreNotUTF8AreMatchedByTheirBytes() throws {
        let processor = try Self.setUp()
        let name = BytePath(bytes: Array("caf".utf8) + [0xE9] + Array(".png".utf8))
        let folder = processor.layout.processing + "/claim-test-00000000000000a1"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = BytePath(folder).appending(name)
        let data = try Self.digit()
        let descriptor = path.withCString { open($0, O_WRONLY | O_CREAT, 0o644) }
        #expect(descriptor >= 0)
        _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        // A line for another name with the same U+FFFD spelling does not count.
        let other = "{\"file\":\"caf\u{FFFD}.png\",\"file_bytes\":\"636166ff2e706e67\",\"claim\":\"\(Self.claimA)\"}\n"
        try Data(other.utf8).write(to: URL(fileURLWithPath: processor.logPath))
        let pending = processor.recover()
        #expect(pending == [WatchProcessor.Batch(id: Self.claimA, names: [name])])
        let model = try BundledModel.load()
        let outcomes = try processor.process(try #require(pending.first), predictor: processor.predictor(for: model), modelDigest: "d")
        #expect(outcomes.first?.prediction == "7")
        let text = try String(contentsOfFile: processor.logPath, encoding: .utf8)
        #expect(text.contains("\"file_bytes\":\"\(name.hex)\""))
        // Recovery would now find it by its bytes.
        #expect(WatchProcessor.entries(in: BytePath(processor.layout.done)) == [name])
    }

    @Test func reusedNamesGetASuffix() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Self.digit().write(to: URL(fileURLWithPath: layout.done + "/c.png"))
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/c.png"))
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/c~2.png"))
        let batch = try #require(processor.claim([BytePath("c.png"), BytePath("c~2.png")]))
        // c~2.png is then taken by the first, so the second becomes c~2~2.png.
        #expect(batch.names == [BytePath("c~2.png"), BytePath("c~2~2.png")])
        #expect(batch.id.hasPrefix("claim-"))
    }

    /// An input named `x.png.reason.txt` and the reason of a later `x.png` live in
    /// different name spaces: neither replaces the other.
    @Test func aReasonFileNeverReplacesAnInput() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: layout.incoming + "/x.png.reason.txt"))
        let model = try BundledModel.load()
        let first = try #require(processor.claim([BytePath("x.png.reason.txt")]))
        _ = try processor.process(first, predictor: processor.predictor(for: model), modelDigest: "d")
        try Data("also not a png".utf8).write(to: URL(fileURLWithPath: layout.incoming + "/x.png"))
        let second = try #require(processor.claim([BytePath("x.png")]))
        _ = try processor.process(second, predictor: processor.predictor(for: model), modelDigest: "d")
        #expect(try String(contentsOfFile: layout.failed + "/x.png.reason.txt", encoding: .utf8) == "not a png")
        #expect(Self.names(layout.failed) == ["x.png", "x.png.reason.txt"])
        #expect(FileManager.default.fileExists(atPath: layout.reasons + "/x.png.reason.txt"))
        #expect(FileManager.default.fileExists(atPath: layout.reasons + "/x.png.reason.txt.reason.txt"))
    }

    @Test func entriesThatAreNotRegularFilesAreClaimedAndFailedUnopened() throws {
        let processor = try Self.setUp()
        let layout = processor.layout
        #expect(mkfifo(layout.incoming + "/pipe.png", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: layout.incoming + "/folder.png", withIntermediateDirectories: false)
        let outside = Fixtures.samples + "/digits/mnist/7/0000.png"
        try FileManager.default.createSymbolicLink(atPath: layout.incoming + "/link.png", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: layout.incoming + "/loop.png", withDestinationPath: "loop.png")
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/.hidden.png"))
        try Self.digit().write(to: URL(fileURLWithPath: layout.incoming + "/copy.png.part"))
        let names = processor.scanIncoming()
        #expect(names.map(\.lossy) == ["folder.png", "link.png", "loop.png", "pipe.png"])
        let batch = try #require(processor.claim(names))
        let model = try BundledModel.load()
        let outcomes = try processor.process(batch, predictor: processor.predictor(for: model), modelDigest: "d")
        let reasons = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.name.lossy, $0.error ?? "") })
        #expect(reasons["pipe.png"]?.contains("named pipe") == true)
        #expect(reasons["folder.png"]?.contains("folder") == true)
        #expect(reasons["link.png"]?.contains("symbolic link") == true)
        #expect(reasons["loop.png"]?.contains("symbolic link") == true)
        #expect(Self.names(layout.failed) == ["folder.png", "link.png", "loop.png", "pipe.png"])
        // The link itself was moved: what it points to is untouched.
        #expect(FileManager.default.fileExists(atPath: outside))
        #expect(Self.names(layout.incoming) == ["copy.png.part"])
    }
}
