import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The structure-aware fuzzer: valid files (the golden vectors, the bundled model, the
/// seeds in `Tests/Fixtures/fuzz/corpus`) have their fields mutated and every checksum
/// recomputed, so each case reaches the semantic checks behind the CRCs and the SHA-256,
/// and then goes through everything fnn does with a file that reads
/// (`FuzzHarness`). A trap ends the test process; an invariant broken is an issue.
///
/// `FNN_FUZZ_SECONDS=S` runs each seed for S seconds instead of a fixed number of cases
/// (`.ci/run` gives it a minute in all); `FNN_FUZZ_SAVE=PATH` keeps each case on disk
/// before it runs, so a trap leaves its input behind to become a regression file.
@Suite struct StructureAwareFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seconds = Double(environment["FNN_FUZZ_SECONDS"] ?? "")
    static let cases = Int(environment["FNN_FUZZ_CASES"] ?? "") ?? 300
    static let corpus = Fixtures.root + "/Tests/Fixtures/fuzz/corpus"

    /// Runs `body` for the configured number of cases or seconds; returns the count.
    static func run(seed: UInt64, _ body: (inout StructuredMutator) throws -> Void) rethrows -> Int {
        var mutator = StructuredMutator(seed: seed)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds ?? 0)
        var count = 0
        while seconds.map({ _ in clock.now < deadline }) ?? (count < cases) {
            try body(&mutator)
            count += 1
        }
        return count
    }

    static let modelSeeds = [
        "v1-deep.fnn", "v1-small.fnn", "v2-f16.fnn", "v2-f32.fnn", "v2-f64.fnn", "v2-future.fnn", "v2-int8.fnn",
        "v2-minimal.fnn", "v2-mixed.fnn",
    ]

    @Test(arguments: modelSeeds)
    func mutatedModelFilesNeverCrash(name: String) throws {
        let original = try Fixtures.bytes(Fixtures.vectors + "/" + name)
        var readable = 0
        var slowest = Duration.zero
        let clock = ContinuousClock()
        let count = try Self.run(seed: 0x5EED_0000 &+ UInt64(original.count)) { mutator in
            let bytes = (name.hasPrefix("v1") ? mutator.mutateV1(original) : mutator.mutateV2(original)) ?? original
            let start = clock.now
            try FuzzHarness.exerciseModelFile(bytes)
            slowest = max(slowest, clock.now - start)
            if (try? ModelFile.decode(bytes)) != nil { readable += 1 }
        }
        // The checksums are recomputed, so some cases get past them and are read: proof
        // that the semantic checks, not the CRCs, are what is being exercised.
        print("structure-aware fuzz \(name): \(count) cases, \(readable) read, slowest \(slowest)")
        #expect(readable > 0 && readable < count, "\(readable) of \(count) cases read")
        #expect(slowest < .seconds(2), "slowest case: \(slowest)")
    }

    @Test func mutatedBundledModelsNeverCrash() throws {
        let original = try Fixtures.bytes(Fixtures.samples + "/model/mnist.fnn")
        var mutator = StructuredMutator(seed: 0xB0_0D1E)
        // The bundled model is large (816 kB), so it gets fewer cases.
        for _ in 0..<max(20, Self.cases / 50) {
            let bytes = mutator.mutateV2(original) ?? original
            try FuzzHarness.exerciseModelFile(bytes)
        }
    }

    @Test(arguments: ["network2-tiny.json", "network2-784-10-10-quadratic.json"])
    func mutatedNetwork2JSONNeverCrashes(name: String) throws {
        let path = name.hasSuffix("tiny.json") ? Self.corpus + "/" + name : Fixtures.interchange + "/" + name
        let original = try Fixtures.bytes(path)
        var mutator = StructuredMutator(seed: 0x15_0000 &+ UInt64(original.count))
        // The network2.py model is large (170 kB), so it gets fewer cases.
        let count = original.count > 10_000 ? max(20, Self.cases / 20) : Self.cases
        for _ in 0..<count {
            try FuzzHarness.exerciseNetwork2JSON(mutator.mutateJSON(original))
        }
    }

    @Test(arguments: ["images.idx", "labels.idx"])
    func mutatedIDXFilesNeverCrash(name: String) throws {
        let original = try Fixtures.bytes(Self.corpus + "/" + name)
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var mutator = StructuredMutator(seed: 0x1D_0000 &+ UInt64(original.count))
        let count = Self.run(seed: 0x1D_0000) { _ in
            let mutated = mutator.mutateIDX(original)
            // Half the cases go in valid gzip around the mutated payload.
            let bytes = mutator.chance(1, in: 2) ? StructuredMutator.storedGzip(mutated) : mutated
            FuzzHarness.exerciseIDX(bytes, folder: folder)
        }
        print("structure-aware fuzz \(name): \(count) cases")
    }

    /// Every file in `Tests/Fixtures/fuzz/regressions` (inputs that once crashed fnn or
    /// made it hang or balloon) goes through the whole harness again.
    @Test func regressionFilesStayHarmless() throws {
        let folder = Fixtures.root + "/Tests/Fixtures/fuzz/regressions"
        let names = (try FileManager.default.contentsOfDirectory(atPath: folder)).filter { !$0.hasSuffix(".md") }.sorted()
        #expect(!names.isEmpty)
        let scratch = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for name in names {
            let bytes = try Fixtures.bytes(folder + "/" + name)
            if name.hasSuffix(".json") {
                try FuzzHarness.exerciseNetwork2JSON(bytes)
            } else if name.contains(".idx") {
                FuzzHarness.exerciseIDX(bytes, folder: scratch)
            } else {
                try FuzzHarness.exerciseModelFile(bytes)
            }
        }
    }
}
