import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `fnn watch` as a real daemon process: bursts, slow producers, crashes, bad files,
/// model swaps and shutdown.
@Suite(.serialized) struct WatchCommandTests {
    static let digits: [(String, [UInt8])] = {
        (0..<10).flatMap { label -> [(String, [UInt8])] in
            let folder = Fixtures.samples + "/digits/mnist/\(label)"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            return names.compactMap { name in (try? Fixtures.bytes(folder + "/" + name)).map { (String(label), $0) } }
        }
    }()

    /// Drops `count` digits into `incoming` the recommended way (write under a dot-name,
    /// then rename); returns the expected label of each name.
    static func drop(_ count: Int, into root: String, prefix: String = "d") throws -> [String: String] {
        var expected: [String: String] = [:]
        for index in 0..<count {
            let (label, bytes) = digits[index % digits.count]
            let name = "\(prefix)\(String(format: "%05d", index)).png"
            let temporary = root + "/incoming/." + name
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            rename(temporary, root + "/incoming/" + name)
            expected[name] = label
        }
        return expected
    }

    static func names(_ folder: String) -> Set<String> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") })
    }

    /// The inputs in processing/: the contents of its claim folders.
    static func processing(_ root: String) -> Set<String> {
        Set(names(root + "/processing").flatMap { names(root + "/processing/" + $0) })
    }

    /// Polls `condition` every `pollMicroseconds` until it holds or `seconds` pass.
    static func waitUntil(seconds: Double, pollMicroseconds: UInt32 = 20_000, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(pollMicroseconds)
        }
        return condition()
    }

    static func start(_ root: String, _ extra: [String] = []) throws -> RunningFNN {
        let daemon = try RunningFNN(["watch", root] + extra)
        #expect(daemon.wait(for: "serving", seconds: 60), "\(daemon.standardError)")
        return daemon
    }

    /// Starts a daemon, freezes it while `count` digits are dropped, lets it meet them all
    /// at once, and returns as soon as it is demonstrably busy with them (a claim folder
    /// holds files, or some are done).
    static func startBusy(_ root: String, count: Int) throws -> (RunningFNN, [String: String]) {
        let daemon = try start(root)
        daemon.pause()
        let expected = try drop(count, into: root)
        daemon.resume()
        #expect(waitUntil(seconds: 120, pollMicroseconds: 1_000) { !processing(root).isEmpty || !names(root + "/done").isEmpty })
        return (daemon, expected)
    }

    /// The drop sizes tried, in turn, until a signal lands while work is still pending:
    /// if the daemon finished everything first, the test would prove nothing.
    static let burstSizes = [2_500, 5_000, 10_000]

    /// The results logs: one per instance (`results/INSTANCE.jsonl`), and the legacy
    /// `results.jsonl` if there is one.
    static func logs(_ root: String) -> [String] {
        names(root + "/results").filter { $0.hasSuffix(".jsonl") }.sorted().map { root + "/results/" + $0 }
    }

    /// Every results log: one object per line.
    static func results(_ root: String) -> [[String: Any]] {
        logs(root).flatMap { log -> [[String: Any]] in
            guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
    }

    static func result(_ root: String, _ name: String) -> [String: Any]? {
        results(root).first { $0["file"] as? String == name }
    }

    /// Every input is in exactly one of done/ and failed/, with exactly one result line.
    /// Call it at rest (the daemon stopped, or waited for until processing/ is empty): a
    /// running daemon moves a batch's last file out before it removes the claim folder.
    static func checkGuarantee(_ root: String, inputs: Set<String>) {
        let done = names(root + "/done")
        // Reason files live in failed/.reasons, so failed/ holds inputs only.
        let failed = names(root + "/failed")
        #expect(done.isDisjoint(with: failed))
        #expect(done.union(failed) == inputs, "missing \(inputs.subtracting(done.union(failed)).sorted().prefix(5))")
        #expect(names(root + "/processing").isEmpty)
        let logged = results(root).compactMap { $0["file"] as? String }
        #expect(logged.count == Set(logged).count, "duplicated results")
        #expect(Set(logged) == inputs)
        for log in logs(root) {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(text.isEmpty || text.hasSuffix("\n"), "\(log) ends in a torn line")
        }
    }

    @Test func aBurstIsClassifiedAndSIGTERMStopsCleanly() throws {
        let root = try Fixtures.temporaryFolder()
        let daemon = try Self.start(root)
        let expected = try Self.drop(300, into: root)
        // All in done/ and the last claim folder removed (it goes just after its last file).
        #expect(Self.waitUntil(seconds: 120) { Self.names(root + "/done").count == 300 && Self.names(root + "/processing").isEmpty })
        for (name, label) in expected.prefix(50) {
            #expect(Self.result(root, name)?["prediction"] as? String == label, "\(name)")
        }
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
        #expect(daemon.standardError.contains("stopped"))
        Self.checkGuarantee(root, inputs: Set(expected.keys))
    }

    @Test func filesAlreadyThereAreTakenAtStart() throws {
        let root = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/incoming", withIntermediateDirectories: true)
        let expected = try Self.drop(20, into: root)
        let run = try RunFNN.run(["watch", root, "--once"])
        #expect(run.status == 0, "\(run.standardError)")
        Self.checkGuarantee(root, inputs: Set(expected.keys))
    }

    /// What a crash between creating a claim folder and the first rename leaves: removed
    /// at start, and by the periodic check while running, and never taken for a batch.
    @Test func emptyClaimFoldersAreRemovedAndAreNoWork() throws {
        let root = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/processing/claim-00000000000000a1", withIntermediateDirectories: true)
        let daemon = try Self.start(root)
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/processing").isEmpty })
        try FileManager.default.createDirectory(atPath: root + "/processing/claim-00000000000000b2", withIntermediateDirectories: false)
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/processing").isEmpty })
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
        #expect(!daemon.standardError.contains("batch"), "\(daemon.standardError)")
    }

    @Test func aSlowProducerWritingInPlaceIsNotReadEarly() throws {
        let root = try Fixtures.temporaryFolder()
        // A settle time far beyond the test: the half file may never be failed as truncated.
        let daemon = try Self.start(root, ["--rescan-seconds", "0.2", "--settle-seconds", "3600", "--log-level", "debug"])
        let bytes = Self.digits[7].1
        let path = root + "/incoming/slow.png"
        let handle = try #require(FileHandle(forWritingAtPath: { _ = FileManager.default.createFile(atPath: path, contents: nil); return path }()))
        handle.write(Data(bytes.prefix(bytes.count / 2)))
        // Two more looks at it after the write (the first may have read it just before):
        // the daemon has seen the half-written file, and left it.
        let looked = "left in incoming until complete file=slow.png"
        let before = daemon.occurrences(of: looked)
        #expect(daemon.wait(for: looked, count: before + 2, seconds: 60), "\(daemon.standardError)")
        #expect(Self.names(root + "/incoming") == ["slow.png"])
        #expect(Self.processing(root).isEmpty && Self.names(root + "/done").isEmpty && Self.names(root + "/failed").isEmpty)
        handle.write(Data(bytes.suffix(from: bytes.count / 2)))
        try handle.close()
        #expect(Self.waitUntil(seconds: 30) { Self.names(root + "/done") == ["slow.png"] })
        #expect(Self.names(root + "/failed").isEmpty)
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
    }

    @Test func killMinus9InABurstLosesAndDuplicatesNothing() throws {
        for (attempt, count) in Self.burstSizes.enumerated() {
            let root = try Fixtures.temporaryFolder()
            let (daemon, expected) = try Self.startBusy(root, count: count)
            kill(daemon.process.processIdentifier, SIGKILL)
            _ = daemon.finish()
            // It is dead: what it left unfinished is what the signal cut short.
            let waiting = Self.names(root + "/incoming").count
            let held = Self.processing(root).count
            if waiting + held == 0, attempt < Self.burstSizes.count - 1 { continue }
            #expect(waiting + held > 0, "kill -9 landed after all \(count) files were done: nothing was tested")
            print("kill -9 landed with \(held) files in a claim folder and \(waiting) in incoming/ (burst of \(count))")
            // Restart and let it finish the backlog.
            let again = try RunFNN.run(["watch", root, "--once"])
            #expect(again.status == 0, "\(again.standardError)")
            Self.checkGuarantee(root, inputs: Set(expected.keys))
            #expect(Self.names(root + "/incoming").isEmpty)
            return
        }
    }

    @Test func badFilesGoToFailedWithAReason() throws {
        let root = try Fixtures.temporaryFolder()
        // A truncated PNG may still be being written: it is failed once unchanged for 1 s.
        let daemon = try Self.start(root, ["--settle-seconds", "1"])
        for name in ["text.png", "truncated.png", "bad-crc.png", "not-png.bin", "blank.png", "huge-dimensions.png"] {
            let temporary = root + "/incoming/." + name
            try Data(try Fixtures.bytes(Fixtures.badPNGs + "/" + name)).write(to: URL(fileURLWithPath: temporary))
            rename(temporary, root + "/incoming/" + name)
        }
        let good = try Self.drop(3, into: root)
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/failed").count == 6 && Self.names(root + "/done").count == 3 })
        #expect(try String(contentsOfFile: root + "/failed/.reasons/huge-dimensions.png.reason.txt", encoding: .utf8).contains("too large"))
        #expect(Self.result(root, "blank.png")?["error_code"] as? String == "no-ink")
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
        Self.checkGuarantee(root, inputs: Set(good.keys).union(["text.png", "truncated.png", "bad-crc.png", "not-png.bin", "blank.png", "huge-dimensions.png"]))
    }

    @Test func aGoodModelSwapTakesOverAndACorruptOneIsRefused() throws {
        let root = try Fixtures.temporaryFolder()
        let model = root + "/model.fnn"
        try Data(try Fixtures.bytes(Fixtures.samples + "/model/mnist.fnn")).write(to: URL(fileURLWithPath: model))
        let daemon = try Self.start(root, ["--model", model])
        _ = try Self.drop(5, into: root, prefix: "a")
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/done").count == 5 })
        let firstDigest = SHA256Digest.hexDigest(try Fixtures.bytes(model))

        // A good new model (the same network stored as f32), renamed over the old one.
        let converted = root + "/.new.fnn"
        #expect(try RunFNN.run(["convert", model, converted, "--dtype", "f32"]).status == 0)
        let secondDigest = SHA256Digest.hexDigest(try Fixtures.bytes(converted))
        rename(converted, model)
        #expect(daemon.wait(for: "model reloaded", seconds: 30))
        _ = try Self.drop(5, into: root, prefix: "b")
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/done").count == 10 })
        #expect(Self.result(root, "b00000.png")?["model_sha256"] as? String == secondDigest)
        #expect(Self.result(root, "a00000.png")?["model_sha256"] as? String == firstDigest)

        // A damaged model is refused; the f32 one keeps serving.
        var damaged = try Fixtures.bytes(model)
        damaged[damaged.count / 2] ^= 0xFF
        try Data(damaged).write(to: URL(fileURLWithPath: root + "/.bad.fnn"))
        rename(root + "/.bad.fnn", model)
        #expect(daemon.wait(for: "refused the new model", seconds: 30))
        _ = try Self.drop(5, into: root, prefix: "c")
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/done").count == 15 })
        #expect(Self.result(root, "c00000.png")?["model_sha256"] as? String == secondDigest)
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
    }

    @Test func sigtermWhileBusyFinishesTheBatchAndLeavesNothingHalfDone() throws {
        for (attempt, count) in Self.burstSizes.enumerated() {
            let root = try Fixtures.temporaryFolder()
            let (daemon, expected) = try Self.startBusy(root, count: count)
            daemon.process.terminate()
            #expect(daemon.finish() == 0)
            // Intake stopped with files still waiting: the signal landed while there was work.
            let waiting = Self.names(root + "/incoming")
            if waiting.isEmpty, attempt < Self.burstSizes.count - 1 { continue }
            #expect(!waiting.isEmpty, "SIGTERM landed after all \(count) files were taken: nothing was tested")
            print("SIGTERM landed with \(waiting.count) of \(count) files still in incoming/")
            #expect(daemon.standardError.contains("stopped"))
            #expect(Self.names(root + "/processing").isEmpty)
            let done = Self.names(root + "/done")
            #expect(done.union(waiting) == Set(expected.keys))
            #expect(done.isDisjoint(with: waiting))
            #expect(Set(Self.results(root).compactMap { $0["file"] as? String }) == done)
            return
        }
    }

    @Test func unwritableResultsAreRetriedWithoutLosingInput() throws {
        let root = try Fixtures.temporaryFolder()
        let daemon = try Self.start(root, ["--instance", "w"])
        // A folder where the results log should be: every write fails (even for root).
        try FileManager.default.createDirectory(atPath: root + "/results/w.jsonl", withIntermediateDirectories: true)
        let expected = try Self.drop(5, into: root)
        #expect(daemon.wait(for: "cannot write results; will retry", seconds: 60), "\(daemon.standardError)")
        // The batch in hand stays in processing/; files that arrived after it wait in
        // incoming/ while it is retried (under load the drop can span two batches). The
        // two folders are read one after the other, so wait for a consistent reading.
        #expect(Self.waitUntil(seconds: 60) {
            let held = Self.processing(root)
            return !held.isEmpty && held.union(Self.names(root + "/incoming")) == Set(expected.keys)
        }, "processing: \(Self.processing(root).sorted()), incoming: \(Self.names(root + "/incoming").sorted())")
        #expect(Self.names(root + "/done").isEmpty)
        try FileManager.default.removeItem(atPath: root + "/results/w.jsonl")
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/done").count == 5 })
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
        Self.checkGuarantee(root, inputs: Set(expected.keys))
    }

    @Test func aMissingModelIsAnErrorAtStart() throws {
        let root = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["watch", root, "--model", root + "/none.fnn", "--once"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("none.fnn: no such file"))
    }
}
