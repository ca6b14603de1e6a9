/// Hexadecimal forms of bytes and words, as error messages show them.

/// `0x1234ABCD`-style hexadecimal for checksums in messages.
package func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

package func hex8(_ value: UInt8) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
