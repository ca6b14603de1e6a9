/// Conversions between binary64 and IEEE 754 binary16 bit patterns.
///
/// Written out rather than using `Float16`, which is missing on some platforms, so that
/// every build rounds the same way: to nearest, ties to even, straight from binary64
/// (no double rounding through binary32).
package enum Half {
    /// The binary16 bit pattern nearest to `value`.
    package static func bits(from value: Double) -> UInt16 {
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = value.magnitude
        if magnitude.isNaN { return sign | 0x7E00 }
        // 65520 is halfway between the largest half (65504) and 65536; ties go to even,
        // which is infinity.
        if magnitude >= 65520 { return sign | 0x7C00 }
        if magnitude < 0x1p-14 {
            // Subnormal (or zero): multiples of 2^-24. A result of 1024 is the smallest
            // normal number, whose bit pattern is also 1024.
            let units = (magnitude * 0x1p24).rounded(.toNearestOrEven)
            return sign | UInt16(units)
        }
        var exponent = Int(magnitude.exponent)
        let significand = magnitude.significand  // in [1, 2)
        var fraction = ((significand - 1) * 1024).rounded(.toNearestOrEven)
        if fraction == 1024 {
            fraction = 0
            exponent += 1
        }
        return sign | UInt16(exponent + 15) << 10 | UInt16(fraction)
    }

    /// The value of a binary16 bit pattern.
    package static func value(of bits: UInt16) -> Double {
        let negative = bits & 0x8000 != 0
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        let magnitude: Double
        switch exponent {
        case 0: magnitude = fraction * 0x1p-24
        case 31: magnitude = fraction == 0 ? .infinity : .nan
        default: magnitude = (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
        return negative ? -magnitude : magnitude
    }
}
