import FNNKit
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
