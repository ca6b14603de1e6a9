import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several `fnn watch` processes on one folder: real processes, one killed with `kill -9`,
/// an idle one beside a busy one, polling, and instance names.
extension WatchCommandTests {
    /// The inputs in the claim folders of instance `name`.
    static func claimed(by name: String, in root: String) -> Set<String> {
        Set(names(root + "/processing").filter { $0.hasPrefix("claim-\(name)-") }.flatMap { names(root + "/processing/" + $0) })
    }

    /// The lines of one instance's log.
    static func logLines(_ root: String, instance: String) -> [String] {
        ((try? String(contentsOfFile: root + "/results/\(instance).jsonl", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The acceptance test of issue 12: three workers share a burst; the first one seen
    /// holding claimed files is frozen, so that its claim is provably held, and killed with
    /// `kill -9`, never restarted. The two survivors adopt its claims: every input ends
    /// once in done/ or failed/ with one result line across all logs, within a bounded
    /// time of the kill. 300 files by default; 5,000 with FNN_SLOW_TESTS=1.
    @Test func threeWorkersFinishABurstWhenOneIsKilledMidway() throws {
        let count = Fixtures.slowTestsEnabled ? 5_000 : 300
        let root = try Fixtures.temporaryFolder()
        let instances = ["w0", "w1", "w2"]
        let workers = try instances.map { try Self.start(root, ["--instance", $0]) }
        let expected = try Self.drop(count, into: root)

        var victim: Int?
        var held: Set<String> = []
        let caught = Self.waitUntil(seconds: 120, pollMicroseconds: 500) {
            guard let index = instances.indices.first(where: { !Self.claimed(by: instances[$0], in: root).isEmpty }) else { return false }
            // Frozen, it can change nothing: what its claim folders hold now is held at its death.
            guard workers[index].pauseAndWait() else { return false }
            held = Self.claimed(by: instances[index], in: root)
            if held.isEmpty {
                workers[index].resume()
                return false
            }
            victim = index
            return true
        }
        let index = try #require(victim, "no worker was ever seen holding a claim (burst of \(count))")
        #expect(caught)
        kill(workers[index].process.processIdentifier, SIGKILL)
        _ = workers[index].finish()
        let killed = Date()
        print("kill -9 landed on \(instances[index]) holding \(held.count) claimed files (burst of \(count))")

        let inputs = Set(expected.keys)
        #expect(Self.waitUntil(seconds: 120) {
            Self.names(root + "/done").union(Self.names(root + "/failed")) == inputs && Self.names(root + "/processing").isEmpty
        }, "done \(Self.names(root + "/done").count), failed \(Self.names(root + "/failed").count), processing \(Self.names(root + "/processing"))")
        let seconds = Date().timeIntervalSince(killed)
        print("the survivors finished everything \(String(format: "%.1f", seconds)) s after the kill")
        #expect(seconds < 60, "finishing took \(seconds) s after the kill")
        let survivors = instances.indices.filter { $0 != index }
        for survivor in survivors {
            workers[survivor].process.terminate()
            #expect(workers[survivor].finish() == 0)
        }
        Self.checkGuarantee(root, inputs: inputs)
        let adopters = survivors.filter { workers[$0].standardError.contains("adopted the claim of a dead instance") }
        #expect(!adopters.isEmpty, "no survivor logged an adoption")
        #expect(adopters.allSatisfy { workers[$0].standardError.contains("owner=\(instances[index])") })
        // Each file it held has exactly one line, whoever wrote it.
        let logged = Self.results(root).compactMap { $0["file"] as? String }
        for name in held { #expect(logged.filter { $0 == name }.count == 1, "\(name)") }
    }

    /// The bug of issue 12: with one slow image among ten, an idle second process redid
    /// the files the first was still working on (20 lines for 11 inputs). The busy one is
    /// frozen while it holds the batch, and the idle one must be seen leaving it alone.
    @Test func anIdleWorkerLeavesABusyWorkersSlowBatchAlone() throws {
        let root = try Fixtures.temporaryFolder()
        let busy = try Self.start(root, ["--instance", "busy"])
        let idle = try Self.start(root, ["--instance", "idle", "--log-level", "trace"])
        #expect(idle.pauseAndWait())
        // A large drawing (a block of ink on 1600 × 1600 pixels) takes a while to decode.
        let paper = [UInt8](repeating: 255, count: 1_600)
        let inked = [UInt8](repeating: 255, count: 600) + [UInt8](repeating: 0, count: 400) + [UInt8](repeating: 255, count: 600)
        let pixels = (0..<1_600).flatMap { (500..<1_100).contains($0) ? inked : paper }
        let slow = try PNGCodec.encode(GrayImage(width: 1_600, height: 1_600, pixels: pixels))
        try Data(slow).write(to: URL(fileURLWithPath: root + "/incoming/.slow.png"))
        _ = try Self.drop(9, into: root)
        rename(root + "/incoming/.slow.png", root + "/incoming/slow.png")

        var frozen = false
        let caught = Self.waitUntil(seconds: 60, pollMicroseconds: 500) {
            guard Self.claimed(by: "busy", in: root).contains("slow.png") else { return false }
            frozen = busy.pauseAndWait()
            if frozen, Self.claimed(by: "busy", in: root).contains("slow.png") { return true }
            busy.resume()
            frozen = false
            return false
        }
        #expect(caught, "the busy worker was never seen holding slow.png")
        let claimed = Self.claimed(by: "busy", in: root)
        idle.resume()
        // The idle one's recovery looks at the claim, about once a second, and leaves it.
        #expect(idle.wait(for: "left to its live owner", count: 2, seconds: 30), "\(idle.standardError)")
        #expect(Self.claimed(by: "busy", in: root) == claimed)
        if frozen { busy.resume() }

        #expect(Self.waitUntil(seconds: 120) {
            Self.names(root + "/done").union(Self.names(root + "/failed")).count == 10 && Self.names(root + "/processing").isEmpty
        })
        for daemon in [busy, idle] {
            daemon.process.terminate()
            #expect(daemon.finish() == 0)
        }
        #expect(Self.results(root).count == 10)
        Self.checkGuarantee(root, inputs: Set((0..<9).map { String(format: "d%05d.png", $0) } + ["slow.png"]))
        #expect(!idle.standardError.contains("adopted"))
    }

    /// One name dropped again and again while three workers serve the folder: each copy
    /// gets a name of its own in done/ (`a.png`, `a~2.png`, …), chosen under the names
    /// lock, so no worker's move replaces another's file.
    @Test func aNameReusedUnderThreeWorkersNeverReplacesAFile() throws {
        let root = try Fixtures.temporaryFolder()
        let workers = try ["r0", "r1", "r2"].map { try Self.start(root, ["--instance", $0]) }
        let copies = 24
        for index in 0..<copies {
            try Data(Self.digits[index].1).write(to: URL(fileURLWithPath: root + "/incoming/.a.png"))
            rename(root + "/incoming/.a.png", root + "/incoming/a.png")
            #expect(Self.waitUntil(seconds: 30, pollMicroseconds: 1_000) { !FileManager.default.fileExists(atPath: root + "/incoming/a.png") })
        }
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/done").count == copies && Self.names(root + "/processing").isEmpty },
            "done: \(Self.names(root + "/done").sorted())")
        for worker in workers {
            worker.process.terminate()
            #expect(worker.finish() == 0)
        }
        let inputs = Set(["a.png"] + (2...copies).map { "a~\($0).png" })
        Self.checkGuarantee(root, inputs: inputs)
        #expect(Self.results(root).count == copies)
    }

    /// A dead owner had logged part of its batch: a new process adopts the claim, only
    /// moves what is logged and classifies the rest into its own log.
    @Test func anAdoptedClaimGetsNoSecondResult() throws {
        let root = try Fixtures.temporaryFolder()
        let claim = "claim-00000000000000c3"
        let folder = root + "/processing/claim-dead-00000000000000c3"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/results", withIntermediateDirectories: true)
        for (index, name) in ["a.png", "b.png"].enumerated() {
            try Data(Self.digits[index * 20].1).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        let line = "{\"file\":\"a.png\",\"prediction\":\"0\",\"model_sha256\":\"x\",\"claim\":\"\(claim)\"}\n"
        try Data(line.utf8).write(to: URL(fileURLWithPath: root + "/results/dead.jsonl"))
        let run = try RunFNN.run(["watch", root, "--once", "--instance", "survivor"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("adopted the claim of a dead instance claim=\(claim) owner=dead"), "\(run.standardError)")
        Self.checkGuarantee(root, inputs: ["a.png", "b.png"])
        #expect(Self.logLines(root, instance: "dead") == [String(line.dropLast())])
        let own = Self.logLines(root, instance: "survivor")
        #expect(own.count == 1 && own[0].contains("\"file\":\"b.png\"") && own[0].contains("\"claim\":\"\(claim)\""))
    }

    /// `--poll` finds files without inotify, and `--min-age` keeps a fresh one waiting.
    @Test func pollingTakesFilesOnlyOnceOldEnough() throws {
        let root = try Fixtures.temporaryFolder()
        let daemon = try Self.start(root, ["--poll", "0.2", "--min-age", "1.5"])
        #expect(daemon.standardError.contains("intake=\"poll every 0.2 s\""), "\(daemon.standardError)")
        // An old file (written an hour ago) is taken at the next poll.
        let old = root + "/incoming/.old.png"
        try Data(Self.digits[0].1).write(to: URL(fileURLWithPath: old))
        var times = [timeval(tv_sec: time(nil) - 3_600, tv_usec: 0), timeval(tv_sec: time(nil) - 3_600, tv_usec: 0)]
        #expect(utimes(old, &times) == 0)
        rename(old, root + "/incoming/old.png")
        #expect(Self.waitUntil(seconds: 30) { Self.names(root + "/done").contains("old.png") })
        // A file just written is not taken before it is 1.5 s old.
        let written = Date()
        try Data(Self.digits[1].1).write(to: URL(fileURLWithPath: root + "/incoming/fresh.png"))
        #expect(Self.waitUntil(seconds: 30) { Self.names(root + "/done").contains("fresh.png") })
        let waited = Date().timeIntervalSince(written)
        #expect(waited >= 1.4, "taken after \(waited) s")
        daemon.process.terminate()
        #expect(daemon.finish() == 0)
        Self.checkGuarantee(root, inputs: ["old.png", "fresh.png"])
    }

    @Test(arguments: ["../x", "a/b", ".hidden", "-dash", "", "results", "sp ace", String(repeating: "n", count: 65)])
    func anUnsafeInstanceNameIsAUsageError(_ name: String) throws {
        let root = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["watch", root, "--once", "--instance", name])
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.contains("--instance"), "\(run.standardError)")
        #expect(!FileManager.default.fileExists(atPath: root + "/processing"))
    }

    /// Each process logs to its own file: a named instance to NAME.jsonl, an unnamed one to
    /// HOST-K.jsonl with the lowest K no live process holds; a live name cannot be shared.
    @Test func eachInstanceWritesItsOwnLog() throws {
        let root = try Fixtures.temporaryFolder()
        let stem = WatchInstance.hostStem()
        let first = try Self.start(root)
        #expect(first.standardError.contains("instance=\(stem)-0"), "\(first.standardError)")
        let second = try Self.start(root)
        #expect(second.standardError.contains("instance=\(stem)-1"), "\(second.standardError)")
        let clash = try RunFNN.run(["watch", root, "--once", "--instance", "\(stem)-0"])
        #expect(clash.status == 1)
        #expect(clash.standardError.contains("is held by a live fnn watch (pid \(first.process.processIdentifier)"), "\(clash.standardError)")
        for daemon in [first, second] {
            daemon.process.terminate()
            #expect(daemon.finish() == 0)
        }

        _ = try Self.drop(3, into: root, prefix: "a")
        #expect(try RunFNN.run(["watch", root, "--once", "--instance", "alpha"]).status == 0)
        _ = try Self.drop(2, into: root, prefix: "b")
        let unnamed = try RunFNN.run(["watch", root, "--once"])
        #expect(unnamed.status == 0)
        // Both earlier processes are gone: the unnamed one gets the first name back.
        #expect(unnamed.standardError.contains("instance=\(stem)-0"), "\(unnamed.standardError)")
        #expect(Self.logLines(root, instance: "alpha").count == 3)
        #expect(Self.logLines(root, instance: "\(stem)-0").count == 2)
        Self.checkGuarantee(root, inputs: ["a00000.png", "a00001.png", "a00002.png", "b00000.png", "b00001.png"])
    }
}
