import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Claims of other instances, staged by hand: left alone while their owner's lock is
/// held, adopted once it is not, and never given a second result.
extension WatchProcessorTests {
    static let claimC = "claim-00000000000000c3"

    /// A processor of instance `name` on the folder of `processor`.
    static func peer(of processor: WatchProcessor, named name: String) -> WatchProcessor {
        WatchProcessor(layout: processor.layout, instance: name, threads: 1)
    }

    static func line(_ name: String, claim: String) -> String {
        "{\"file\":\"\(name)\",\"prediction\":\"7\",\"model_sha256\":\"x\",\"claim\":\"\(claim)\"}\n"
    }

    @Test func aLiveOwnersClaimIsLeftAloneAndADeadOnesIsAdopted() throws {
        let processor = try Self.setUp()
        var owner: WatchInstance? = try WatchInstance.acquire("owner", in: processor.layout)
        try Self.stage(processor, folder: "claim-owner-00000000000000c3", ["a.png": try Self.digit()])
        let survivor = Self.peer(of: processor, named: "survivor")

        let whileAlive = survivor.recovery()
        #expect(whileAlive.batches.isEmpty)
        #expect(whileAlive.leftToLiveOwners == [Self.claimC: "owner"])
        #expect(Self.names(processor.layout.processing) == ["claim-owner-00000000000000c3"])
        #expect(owner?.name == "owner")

        owner = nil  // the process dies: its lock goes with it
        let afterDeath = survivor.recovery()
        #expect(afterDeath.adopted == [Self.claimC: "owner"])
        #expect(afterDeath.batches == [WatchProcessor.Batch(id: Self.claimC, names: [BytePath("a.png")])])
        #expect(Self.names(processor.layout.processing) == ["claim-survivor-00000000000000c3"])
    }

    /// Lines logged under the claim by its first owner and by a later adopter that died
    /// too, in two logs: both inputs are only moved, the third is the one batch left.
    @Test func anAdoptedClaimOnlyMovesWhatAnyLogHolds() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, folder: "claim-second-00000000000000c3", ["a.png": try Self.digit(), "b.png": try Self.digit(), "c.png": try Self.digit()])
        let results = processor.layout.results
        try Data(Self.line("a.png", claim: Self.claimC).utf8).write(to: URL(fileURLWithPath: results + "/first.jsonl"))
        try Data(Self.line("b.png", claim: Self.claimC).utf8).write(to: URL(fileURLWithPath: results + "/second.jsonl"))
        let survivor = Self.peer(of: processor, named: "third")
        let recovery = survivor.recovery()
        #expect(recovery.adopted == [Self.claimC: "second"])
        #expect(recovery.batches == [WatchProcessor.Batch(id: Self.claimC, names: [BytePath("c.png")])])
        #expect(Self.names(processor.layout.done) == ["a.png", "b.png"])
        let model = try BundledModel.load()
        _ = try survivor.process(try #require(recovery.batches.first), predictor: survivor.predictor(for: model), modelDigest: "d")
        #expect(Self.names(processor.layout.done) == ["a.png", "b.png", "c.png"])
        #expect(Self.names(processor.layout.processing).isEmpty)
        let own = try String(contentsOfFile: survivor.logPath, encoding: .utf8).split(separator: "\n")
        #expect(own.count == 1 && own[0].contains("c.png"))
    }

    /// A `claim-<16 hex>` folder of an fnn from before instances, with its result in the
    /// single `results.jsonl`: adopted by whoever renames it first, only moved.
    @Test func aLegacyClaimIsAdoptedAndTheLegacyLogRead() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, folder: Self.claimC, ["a.png": try Self.digit()])
        let legacy = Self.line("a.png", claim: Self.claimC)
        try Data(legacy.utf8).write(to: URL(fileURLWithPath: processor.layout.legacyLog))
        let recovery = processor.recovery()
        #expect(recovery.adopted == [Self.claimC: ""])
        #expect(recovery.batches.isEmpty)
        #expect(Self.names(processor.layout.done) == ["a.png"])
        #expect(Self.names(processor.layout.processing).isEmpty)
        #expect(try String(contentsOfFile: processor.layout.legacyLog, encoding: .utf8) == legacy)
        #expect(!FileManager.default.fileExists(atPath: processor.logPath))
    }

    /// A dead owner's log ending in a torn line: the whole lines count, the torn one does
    /// not (its owner cuts it off when it starts again), and the file is not changed.
    @Test func aDeadOwnersTornLineIsNotAResult() throws {
        let processor = try Self.setUp()
        try Self.stage(processor, folder: "claim-dead-00000000000000c3", ["a.png": try Self.digit(), "b.png": try Self.digit()])
        let log = Self.line("a.png", claim: Self.claimC) + String(Self.line("b.png", claim: Self.claimC).dropLast())
        let path = processor.layout.logPath(instance: "dead")
        try Data(log.utf8).write(to: URL(fileURLWithPath: path))
        let recovery = Self.peer(of: processor, named: "alive").recovery()
        #expect(recovery.batches == [WatchProcessor.Batch(id: Self.claimC, names: [BytePath("b.png")])])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == log)
    }

    @Test(arguments: [
        ("claim-0123456789abcdef", "claim-0123456789abcdef", nil),
        ("claim-w0-0123456789abcdef", "claim-0123456789abcdef", "w0"),
        ("claim-host-a-1-0123456789abcdef", "claim-0123456789abcdef", "host-a-1"),
    ] as [(String, String, String?)])
    func claimFolderNamesSayTheirIdAndOwner(_ folder: String, _ id: String, _ owner: String?) {
        let parsed = WatchProcessor.parseClaimFolder(BytePath(folder))
        #expect(parsed?.id == id)
        #expect(parsed?.owner == owner)
    }

    @Test(arguments: ["claim-0123", "claim-.x-0123456789abcdef", "claim-x0123456789abcdef", "claim--0123456789abcdef", "claim-a/b-0123456789abcdef", "other"])
    func otherNamesAreNoClaimFolders(_ folder: String) {
        #expect(WatchProcessor.parseClaimFolder(BytePath(folder)) == nil)
    }
}
