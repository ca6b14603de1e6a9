import FNNKit
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
