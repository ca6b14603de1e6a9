import FNNKit

/// Model files damaged on purpose, with every checksum made right again so that only the
/// reader's own checks can catch them (see `formats/fnn-format.md`).
package enum CraftedModel {
    /// A well-formed f64 model whose parameters are finite in the file and overflow in
    /// use, whatever the order of summation: every first-layer weight is 1e308, so any
    /// image with ink drives both ReLU units to +∞, and the output layer takes ∞ − ∞ = NaN.
    package static func overflowing() -> Model {
        let hidden = Layer(
            activation: .relu, weights: .f64(rows: 2, columns: 784, [Double](repeating: 1e308, count: 1568)),
            biases: .f64(rows: 2, columns: 1, [0, 0]))
        let output = Layer(
            activation: .sigmoid, weights: .f64(rows: 10, columns: 2, (0..<20).map { $0 % 2 == 0 ? 1 : -1 }),
            biases: .f64(rows: 10, columns: 1, [Double](repeating: 0, count: 10)))
        return Model(layers: [hidden, output], cost: .quadratic)
    }

    /// A v2 `.fnn` whose first `TENS` chunk declares 0xFFFFFFFF rows and columns (data
    /// offsets +8 and +12), with that chunk's CRC-32 (over type and data) and the `FEND`
    /// SHA-256 (over every byte before the `FEND` chunk) recomputed.
    package static func hugeTensorShape(from valid: [UInt8]) -> [UInt8]? {
        var bytes = valid
        guard bytes.count > 24 else { return nil }
        var offset = 24
        var patched = false
        while offset + 12 <= bytes.count {
            let length = Int(u32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = offset + 8
            guard data + length + 4 <= bytes.count else { return nil }
            if type == "TENS", !patched, length >= 16 {
                for index in (data + 8)..<(data + 16) { bytes[index] = 0xFF }
                put(crc32(bytes[(offset + 4)..<(data + length)]), into: &bytes, at: data + length)
                patched = true
            } else if type == "FEND", length == 32 {
                guard patched, let digest = BytePath.fromHex(SHA256Digest.hexDigest(Array(bytes[..<offset]))) else { return nil }
                bytes.replaceSubrange(data..<(data + 32), with: digest.bytes)
                put(crc32(bytes[(offset + 4)..<(data + length)]), into: &bytes, at: data + length)
                return bytes
            }
            offset = data + length + 4
        }
        return nil
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    static func put(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }

    /// CRC-32 as PNG and zlib compute it.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
