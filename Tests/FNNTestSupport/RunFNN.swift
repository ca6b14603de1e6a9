import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a run of the `fnn` binary printed and how it exited.
package struct FNNRun: Sendable {
    package var status: Int32
    package var standardOutput: String
    package var standardError: String
}

/// Runs the built `fnn` executable, as a user would.
package enum RunFNN {
    /// The `fnn` binary next to the test bundle, or `FNN_BINARY`.
    package static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["FNN_BINARY"] { return path }
        var candidates: [String] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(executable.appendingPathComponent("fnn").path)
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("fnn").path)
        for configuration in ["debug", "release"] {
            candidates.append(Fixtures.root + "/.build/\(configuration)/fnn")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()

    /// Runs `fnn` with `arguments` and waits for it, at most `timeout` seconds (then it
    /// is killed, and the run has status -9 and "timed out" on standard error).
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
        currentDirectory: String? = nil, timeout: Double = 600
    ) throws -> FNNRun {
        try run(executable: binary, arguments, environment: environment, removing: removing, currentDirectory: currentDirectory, timeout: timeout)
    }

    /// Runs `script` with `/bin/sh -c`, with `$FNN` set to the `fnn` binary: for arguments
    /// a `String` cannot hold, such as file names that are not UTF-8 (`$(printf '\377')`).
    package static func shell(_ script: String, currentDirectory: String? = nil, timeout: Double = 600) throws -> FNNRun {
        try run(executable: "/bin/sh", ["-c", script], environment: ["FNN": binary], removing: [], currentDirectory: currentDirectory, timeout: timeout)
    }

    private static func run(
        executable: String, _ arguments: [String], environment: [String: String], removing: [String],
        currentDirectory: String?, timeout: Double
    ) throws -> FNNRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        for key in removing { merged[key] = nil }
        process.environment = merged
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        // Files rather than pipes: nothing can block on a full pipe.
        let folder = try Fixtures.temporaryFolder()
        let outputPath = folder + "/stdout"
        let errorPath = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                timedOut = true
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        try output.close()
        try error.close()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let errorText = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errorPath)), as: UTF8.self)
        return FNNRun(
            status: timedOut ? -9 : process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputPath)), as: UTF8.self),
            standardError: timedOut ? errorText + "\ntimed out after \(timeout) s" : errorText)
    }
}

/// A running `fnn` whose standard error goes to a file the test can poll.
package final class RunningFNN {
    package let process = Process()
    package let errorPath: String

    package init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let folder = try Fixtures.temporaryFolder()
        errorPath = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: RunFNN.binary)
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// What it has written to standard error so far.
    package var standardError: String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }

    /// Waits until standard error contains `text`, or `seconds` pass; returns whether it did.
    package func wait(for text: String, seconds: Double) -> Bool {
        wait(for: text, count: 1, seconds: seconds)
    }

    /// Waits until standard error contains `text` at least `count` times, or `seconds`
    /// pass, or the process exits; returns whether it did.
    package func wait(for text: String, count: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if occurrences(of: text) >= count { return true }
            if !process.isRunning { break }
            usleep(20_000)
        }
        return occurrences(of: text) >= count
    }

    /// How many times standard error holds `text` so far.
    package func occurrences(of text: String) -> Int {
        standardError.components(separatedBy: text).count - 1
    }

    /// Freezes it (`SIGSTOP`), so work piles up that it will meet all at once.
    package func pause() {
        kill(process.processIdentifier, SIGSTOP)
    }

    /// Freezes it (`SIGSTOP`) and waits, at most `seconds`, until the kernel reports it
    /// stopped (state `T` in `/proc/PID/stat`); returns whether it is. Once it is, nothing
    /// it holds can change until `resume()`.
    package func pauseAndWait(seconds: Double = 30) -> Bool {
        pause()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if isStopped { return true }
            usleep(1_000)
        }
        return isStopped
    }

    /// Whether the kernel reports it stopped (Linux: the state field of `/proc/PID/stat`).
    package var isStopped: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[close...].dropFirst(2).first == "T"
    }

    /// Lets it run again after `pause()` (`SIGCONT`).
    package func resume() {
        kill(process.processIdentifier, SIGCONT)
    }

    /// Waits for it to exit, at most `seconds` (then it is killed and the status is -9),
    /// and returns its status.
    package func finish(seconds: Double = 120) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return -9
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
