import FNNTestSupport
import Testing

/// The help texts users read first.
@Suite struct HelpTests {
    @Test func rootHelpListsTheCommands() throws {
        let run = try RunFNN.run(["--help"])
        #expect(run.status == 0)
        for command in ["inspect", "convert", "evaluate"] {
            #expect(run.standardOutput.contains("  \(command) "), "missing \(command)")
        }
    }

    @Test(arguments: ["inspect", "convert", "evaluate"])
    func everyOptionIsExplained(command: String) throws {
        let run = try RunFNN.run([command, "--help"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("OVERVIEW: "))
        // Every option line carries help text.
        let optionLines = run.standardOutput.split(separator: "\n").filter { $0.hasPrefix("  --") || $0.hasPrefix("  -") }
        #expect(!optionLines.isEmpty)
    }

    @Test func versionNamesTheBLASCore() throws {
        let run = try RunFNN.run(["--version"])
        #expect(run.status == 0)
        #expect(run.standardOutput.hasPrefix("0.1.0\n"))
        #expect(run.standardOutput.contains("core: "))
    }
}
