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

    package init(_ arguments: [String]) throws {
        let folder = try Fixtures.temporaryFolder()
        errorPath = folder + "/stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: RunFNN.binary)
        process.arguments = arguments
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
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if standardError.contains(text) { return true }
            if !process.isRunning { return standardError.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Waits for it to exit and returns its status.
    package func finish() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}
