@testable import FNNKit
import Testing

/// The platform SHA-256 (OpenSSL's EVP on Linux, CommonCrypto on macOS) gives the FIPS 180-2
/// digests, for arrays, slices and collections that have no contiguous storage alike.
@Suite struct SHA256DigestTests {
    /// FIPS 180-2, appendix B (B.1, B.2, B.3), and the empty message.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVector(message: String, expected: String) {
        #expect(SHA256Digest.hexDigest(Array(message.utf8)) == expected)
        #expect(SHA256Digest.hex(SHA256Digest.digest(message.utf8)) == expected)
    }

    static let millionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

    @Test func oneMillionAsContiguous() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256Digest.hexDigest(bytes) == Self.millionA)
        #expect(SHA256Digest.digest(bytes).count == SHA256Digest.byteCount)
    }

    /// `Repeated` has no contiguous storage, so this goes through the bounded copy buffer,
    /// about fifteen times over.
    @Test func oneMillionAsNonContiguousCollection() {
        let bytes = repeatElement(UInt8(ascii: "a"), count: 1_000_000)
        #expect(bytes.withContiguousStorageIfAvailable { _ in true } == nil)
        #expect(SHA256Digest.hex(SHA256Digest.digest(bytes)) == Self.millionA)
    }

    /// A 3 MB lazily computed collection hashes the same as the array of its bytes, and as a
    /// slice of a larger array that does not start at index 0.
    @Test func largeNonContiguousCollectionMatchesArray() {
        let count = 3_000_017
        let lazyBytes = (0..<count).lazy.map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let array = Array(lazyBytes)
        let padded = [0xAA] + array + [0x55]
        let expected = SHA256Digest.digest(array)
        #expect(SHA256Digest.digest(lazyBytes) == expected)
        #expect(SHA256Digest.digest(padded[1...count]) == expected)
        #expect(SHA256Digest.digest(padded) != expected)
    }

    /// Lengths either side of the copy buffer's size and of SHA-256's 64-byte block and
    /// padding boundary give the same digest whichever path they take.
    @Test(arguments: [55, 56, 63, 64, 65, SHA256Digest.copyBufferByteCount - 1, SHA256Digest.copyBufferByteCount, SHA256Digest.copyBufferByteCount + 1, 2 * SHA256Digest.copyBufferByteCount + 7])
    func contiguousAndCopiedPathsAgree(count: Int) {
        let array = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        let contiguous = SHA256Digest.digest(array)
        let copied = SHA256Digest.digest(array.lazy.map { $0 })
        #expect(contiguous == copied)
        #expect(contiguous.count == SHA256Digest.byteCount)
    }
}
