@testable import FNNModel
import FNNKit
import Testing

@Suite struct HalfTests {
    /// Bit patterns checked against NumPy's float16.
    static let cases: [(Double, UInt16)] = [
        (1.0, 0x3C00), (-2.0, 0xC000), (65504, 0x7BFF), (65519.99, 0x7BFF), (65520, 0x7C00),
        (0x1p-24, 0x0001), (0x1p-25, 0x0000), (0x1.8p-25, 0x0001), (0x1p-14, 0x0400),
        (0.1, 0x2E66), (1.0 / 3.0, 0x3555), (-0.0, 0x8000), (1e10, 0x7C00), (2049, 0x6800), (2051, 0x6802),
    ]

    @Test(arguments: cases)
    func roundsToNearestEven(value: Double, bits: UInt16) {
        #expect(Half.bits(from: value) == bits)
    }

    @Test func everyFiniteHalfRoundTrips() {
        for bits in UInt16.min...UInt16.max where bits & 0x7C00 != 0x7C00 {
            #expect(Half.bits(from: Half.value(of: bits)) == bits)
        }
        #expect(Half.value(of: 0x7C00) == .infinity)
        #expect(Half.value(of: 0x7E00).isNaN)
    }
}
