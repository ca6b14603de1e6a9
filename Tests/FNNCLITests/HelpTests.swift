import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The help texts users read first.
@Suite struct HelpTests {
    /// Every subcommand of `fnn`, in the order `fnn --help` lists them.
    static let commands = ["predict", "report", "watch", "serve", "train", "evaluate", "inspect", "convert", "export-png"]

    /// ArgumentParser wraps help at the terminal's width, which it takes from COLUMNS and
    /// LINES before asking the terminal: fixing both makes the text the same everywhere.
    static let environment = ["COLUMNS": "100", "LINES": "40"]

    /// Where the pinned help texts live: `Snapshots/HELP-<command>.txt` beside this file.
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path

    @Test func rootHelpListsTheCommands() throws {
        let run = try RunFNN.run(["--help"], environment: Self.environment)
        #expect(run.status == 0)
        for command in Self.commands {
            #expect(run.standardOutput.contains("  \(command) "), "missing \(command)")
        }
    }

    /// `fnn --help` and `fnn <command> --help` print exactly the pinned text. After a
    /// deliberate change, `FNN_UPDATE_SNAPSHOTS=1 swift test --filter HelpTests` rewrites
    /// the files; review them with `git diff`.
    @Test(arguments: ["fnn"] + commands)
    func helpMatchesTheSnapshot(command: String) throws {
        let run = try RunFNN.run((command == "fnn" ? [] : [command]) + ["--help"], environment: Self.environment)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.isEmpty, "\(run.standardError)")
        let path = Self.snapshots + "/HELP-\(command).txt"
        if ProcessInfo.processInfo.environment["FNN_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(atPath: Self.snapshots, withIntermediateDirectories: true)
            try Data(run.standardOutput.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let pinned = try #require(
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) },
            "no snapshot at \(path); run FNN_UPDATE_SNAPSHOTS=1 swift test --filter HelpTests")
        // A Bool, so that a failure shows the first differing line rather than both texts.
        let matches = run.standardOutput == pinned
        #expect(
            matches,
            "fnn \(command) --help differs from \(path); if the change is meant, rewrite it with FNN_UPDATE_SNAPSHOTS=1 swift test --filter HelpTests\n\(HelpCheck.firstDifference(run.standardOutput, pinned))")
    }

    /// Every option, flag and argument of every command, as ArgumentParser's
    /// `--experimental-dump-help` describes it, has help text.
    @Test(arguments: ["fnn"] + commands)
    func everyOptionIsExplained(command: String) throws {
        let run = try RunFNN.run((command == "fnn" ? [] : [command]) + ["--experimental-dump-help"], environment: Self.environment)
        #expect(run.status == 0, "\(run.standardError)")
        let problems = try HelpCheck.unexplained(dumpHelp: Data(run.standardOutput.utf8))
        #expect(problems.arguments > 0, "the JSON lists no arguments; has its layout changed?")
        #expect(problems.unexplained.isEmpty, "without help text: \(problems.unexplained.joined(separator: ", "))")
    }

    /// The check above finds what it is meant to find: an option without help, a
    /// positional argument with blank help, and one in a nested subcommand; hidden ones
    /// are left alone.
    @Test func theCheckFindsAnOptionWithoutHelp() throws {
        let json = """
            {"serializationVersion": 0, "command": {"commandName": "fnn", "arguments": [
              {"kind": "flag", "shouldDisplay": true, "names": [{"kind": "long", "name": "help"}], "abstract": "Show help information."}
            ], "subcommands": [{"commandName": "help", "arguments": [
              {"kind": "positional", "shouldDisplay": true, "valueName": "subcommands"}
            ]}, {"commandName": "demo", "arguments": [
              {"kind": "option", "shouldDisplay": true, "names": [{"kind": "long", "name": "quiet"}], "preferredName": {"kind": "long", "name": "quiet"}},
              {"kind": "positional", "shouldDisplay": true, "valueName": "path", "abstract": "  "},
              {"kind": "option", "shouldDisplay": false, "names": [{"kind": "long", "name": "secret"}]},
              {"kind": "option", "shouldDisplay": true, "names": [{"kind": "long", "name": "fine"}], "abstract": "Fine."}
            ]}]}}
            """
        let problems = try HelpCheck.unexplained(dumpHelp: Data(json.utf8))
        #expect(problems.arguments == 4)
        #expect(problems.unexplained == ["fnn demo --quiet", "fnn demo <path>"])
    }

    @Test func versionNamesTheBLASCore() throws {
        let run = try RunFNN.run(["--version"])
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix("0.1.0\n"))
        #expect(run.standardOutput.contains("core: "))
    }
}

/// fnn restarts itself with a faster OpenBLAS kernel when OpenBLAS picked a generic one,
/// and leaves a user's own OPENBLAS_CORETYPE alone.
@Suite struct BLASCoreRestartTests {
    static let flags = BLASCoreSelection.cpuFlags()

    @Test(.enabled(if: BLASCoreSelection.correction(chosen: "Prescott", cpuFlags: flags, userSetting: nil) != nil,
                   "this processor has nothing faster than the generic kernel"))
    func aGenericKernelIsReplaced() throws {
        let expected = try #require(BLASCoreSelection.correction(chosen: "Prescott", cpuFlags: Self.flags, userSetting: nil))
        // FNN_TEST_BLAS_CORE makes fnn believe OpenBLAS chose Prescott.
        let run = try RunFNN.run(["--version"], environment: ["FNN_TEST_BLAS_CORE": "Prescott"], removing: ["OPENBLAS_CORETYPE"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("(core: \(expected))"))
        #expect(run.standardOutput.contains("because OpenBLAS chose Prescott"))
    }

    @Test func theUsersSettingIsKept() throws {
        let run = try RunFNN.run(["--version"], environment: ["FNN_TEST_BLAS_CORE": "Prescott", "OPENBLAS_CORETYPE": "Prescott"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("(core: Prescott)"))
        #expect(!run.standardOutput.contains("because"))
    }
}
