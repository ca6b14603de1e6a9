#if canImport(CommonCrypto)
import CommonCrypto
#else
import CLibCrypto
#endif

/// SHA-256 from the platform: CommonCrypto on macOS, OpenSSL's libcrypto (its EVP API) on
/// Linux. This is the only file that imports either.
package enum SHA256Digest {
    /// The length of a SHA-256 digest in bytes.
    package static let byteCount = 32

    /// The most bytes handed to the C library in one call: CommonCrypto takes a 32-bit
    /// length, so a larger buffer goes in slices of this size (EVP takes a `size_t`).
    static let maximumUpdateByteCount = 1 << 30

    /// The size of the buffer through which a collection without contiguous storage is
    /// copied, so hashing it takes bounded memory whatever its length.
    package static let copyBufferByteCount = 1 << 16

    /// The 32-byte SHA-256 of `bytes`.
    ///
    /// Arrays and array slices are hashed in place; other collections are copied through a
    /// 64 KiB buffer.
    ///
    /// The corresponding C functions are `EVP_DigestInit_ex`, `EVP_DigestUpdate` and
    /// `EVP_DigestFinal_ex` with `EVP_sha256()` (Linux), and `CC_SHA256_Init`,
    /// `CC_SHA256_Update` and `CC_SHA256_Final` (macOS).
    /// - Parameter bytes: the bytes to hash, of any length.
    /// - Returns: the digest, `byteCount` bytes.
    /// - Complexity: O(n) in the number of bytes.
    package static func digest<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var hasher = Hasher()
        let hashedInPlace: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(UnsafeRawBufferPointer(buffer))
        }
        if hashedInPlace == nil {
            var start = bytes.startIndex
            var chunk: [UInt8] = []
            chunk.reserveCapacity(Swift.min(bytes.count, copyBufferByteCount))
            while start != bytes.endIndex {
                let end = bytes.index(start, offsetBy: copyBufferByteCount, limitedBy: bytes.endIndex) ?? bytes.endIndex
                chunk.removeAll(keepingCapacity: true)
                chunk.append(contentsOf: bytes[start..<end])
                chunk.withUnsafeBytes { hasher.update($0) }
                start = end
            }
        }
        do {
            return try hasher.finalize()
        } catch {
            // Not reachable from any input: the platform library cannot run SHA-256 at all,
            // and the callers (checksums of whole files) have no digest to go on without it.
            preconditionFailure("SHA-256 is unavailable: \(error)")
        }
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

#if canImport(CommonCrypto)

/// A running SHA-256 in CommonCrypto. Its functions cannot fail (they always return 1).
private struct Hasher: ~Copyable {
    private var context = CC_SHA256_CTX()

    init() {
        CC_SHA256_Init(&context)
    }

    /// Adds `buffer` to the hash, in slices that fit `CC_LONG`.
    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        var start = 0
        while start < buffer.count {
            let length = Swift.min(buffer.count - start, SHA256Digest.maximumUpdateByteCount)
            CC_SHA256_Update(&context, base + start, CC_LONG(length))
            start += length
        }
    }

    /// The digest of everything added.
    mutating func finalize() throws(DigestError) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        CC_SHA256_Final(&digest, &context)
        return digest
    }
}

#else

/// A running SHA-256 in OpenSSL's EVP API. The first failing call is kept, and `finalize`
/// throws it, so `update` can be called from a closure that cannot throw.
private struct Hasher: ~Copyable {
    private let context: OpaquePointer?
    private var failure: DigestError?

    init() {
        context = EVP_MD_CTX_new()
        if context == nil {
            failure = Hasher.error("EVP_MD_CTX_new could not allocate a digest context")
        } else if EVP_DigestInit_ex(context, EVP_sha256(), nil) != 1 {
            failure = Hasher.error("EVP_DigestInit_ex could not start SHA-256")
        }
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `buffer` to the hash.
    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard failure == nil, let base = buffer.baseAddress else { return }
        var start = 0
        while start < buffer.count {
            let length = Swift.min(buffer.count - start, SHA256Digest.maximumUpdateByteCount)
            guard EVP_DigestUpdate(context, base + start, length) == 1 else {
                failure = Hasher.error("EVP_DigestUpdate failed")
                return
            }
            start += length
        }
    }

    /// The digest of everything added.
    /// - Throws: `DigestError` if any EVP call failed.
    mutating func finalize() throws(DigestError) -> [UInt8] {
        if let failure { throw failure }
        var digest = [UInt8](repeating: 0, count: SHA256Digest.byteCount)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else {
            throw Hasher.error("EVP_DigestFinal_ex failed")
        }
        guard length == SHA256Digest.byteCount else {
            throw DigestError("EVP_DigestFinal_ex gave \(length) bytes, not \(SHA256Digest.byteCount)")
        }
        return digest
    }

    /// `message`, with the code and reason of the oldest error in OpenSSL's queue (which
    /// this empties).
    private static func error(_ message: String) -> DigestError {
        let code = ERR_get_error()
        while ERR_get_error() != 0 {}
        guard code != 0 else { return DigestError(message) }
        var reason = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &reason, reason.count)
        let cause = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return DigestError(code: code, message, cause: cause)
    }
}

#endif
