import Crypto

/// SHA-256 through swift-crypto.
package enum SHA256Digest {
    /// The 32-byte SHA-256 of `bytes`.
    package static func digest<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var hasher = SHA256()
        if let done: Void = bytes.withContiguousStorageIfAvailable({ hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }) {
            _ = done
        } else {
            hasher.update(data: Array(bytes))
        }
        return Array(hasher.finalize())
    }

    /// Lower-case hexadecimal.
    package static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}

extension SHA256Digest {
    /// The lower-case hex SHA-256 of `bytes`.
    package static func hexDigest(_ bytes: [UInt8]) -> String { hex(digest(bytes)) }
}
