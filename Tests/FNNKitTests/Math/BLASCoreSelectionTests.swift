import FNNKit
import FNNTestSupport
import Foundation
import Testing

@Suite struct BLASCoreSelectionTests {
    static let avx512: Set<String> = ["sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
    static let avx2: Set<String> = ["sse2", "avx", "avx2", "fma"]

    @Test func aGenericKernelOnANewProcessorIsCorrected() {
        #expect(BLASCoreSelection.correction(chosen: "Prescott", cpuFlags: Self.avx512, userSetting: nil) == "SkylakeX")
        #expect(BLASCoreSelection.correction(chosen: "Haswell", cpuFlags: Self.avx512, userSetting: nil) == "SkylakeX")
        #expect(BLASCoreSelection.correction(chosen: "Sandybridge", cpuFlags: Self.avx2, userSetting: nil) == "Haswell")
    }

    @Test func aGoodChoiceOrAUserSettingIsKept() {
        #expect(BLASCoreSelection.correction(chosen: "SkylakeX", cpuFlags: Self.avx512, userSetting: nil) == nil)
        #expect(BLASCoreSelection.correction(chosen: "Cooperlake", cpuFlags: Self.avx512, userSetting: nil) == nil)
        #expect(BLASCoreSelection.correction(chosen: "Zen", cpuFlags: Self.avx2, userSetting: nil) == nil)
        #expect(BLASCoreSelection.correction(chosen: "Prescott", cpuFlags: Self.avx512, userSetting: "Prescott") == nil)
        #expect(BLASCoreSelection.correction(chosen: "SomethingNew", cpuFlags: Self.avx512, userSetting: nil) == nil)
        #expect(BLASCoreSelection.correction(chosen: "Prescott", cpuFlags: ["sse2"], userSetting: nil) == nil)
    }
}

/// The processor's real flags reach the selection: `/proc/cpuinfo` reports a size of 0,
/// so a reader that trusts the size reads nothing and the correction never happens.
@Suite struct CPUFlagsTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "Linux only"))
    func theFlagsAreReadFromProcCpuinfo() throws {
        let flags = BLASCoreSelection.cpuFlags()
        #if arch(x86_64)
        #expect(flags.contains("sse2"), "\(flags.count) flags")
        #else
        #expect(!flags.isEmpty)
        #endif
        let bytes = try FileBytes.read("/proc/cpuinfo", limit: 1 << 24)
        #expect(bytes.count > 100)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "Linux only"))
    func aKernelBelowTheProcessorIsCorrectedAtStart() throws {
        let flags = BLASCoreSelection.cpuFlags()
        guard flags.contains("avx2") && flags.contains("fma") else { return }
        // With no OPENBLAS_CORETYPE of the user's, fnn runs at least the Haswell kernel on
        // an AVX2 processor, whatever OpenBLAS guessed.
        let run = try RunFNN.run(["--version"], removing: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"])
        #expect(run.status == 0)
        #expect(!run.standardOutput.contains("(core: Prescott)"), "\(run.standardOutput)")
    }
}
