import FNNKit
import FNNTestSupport
import Testing

/// Every single-bit flip and every truncation of a model file that fnn did not write is
/// reported, by the reader and by `inspect`.
@Suite struct DamageDetectionTests {
    static let samples = ["v1-small.fnn", "v2-f32.fnn", "v2-mixed.fnn"]

    @Test(arguments: samples)
    func everySingleBitFlipIsDetected(name: String) throws {
        let original = try Fixtures.bytes(Fixtures.vectors + "/" + name)
        #expect(throws: Never.self) { try ModelFile.decode(original) }
        var undetected: [Int] = []
        for bit in 0..<(original.count * 8) {
            var damaged = original
            damaged[bit / 8] ^= 1 << UInt8(bit % 8)
            if (try? ModelFile.decode(damaged)) != nil { undetected.append(bit) }
        }
        #expect(undetected.isEmpty, "undetected flips at bits \(undetected.prefix(10))")
    }

    @Test(arguments: samples)
    func everyTruncationIsDetected(name: String) throws {
        let original = try Fixtures.bytes(Fixtures.vectors + "/" + name)
        for length in 0..<original.count {
            let error = #expect(throws: ModelFileError.self) { try ModelFile.decode(Array(original[0..<length])) }
            #expect(error?.code == .truncated || length < 8, "cut at \(length): \(String(describing: error))")
        }
    }

    @Test func aFlippedTensorByteIsLocatedToItsChunk() throws {
        let original = try Fixtures.bytes(Fixtures.vectors + "/v2-f32.fnn")
        let intact = ModelInspection.inspect(original)
        let tensor = try #require(intact.chunks.first { $0.type == "TENS" })
        var damaged = original
        damaged[tensor.offset + 8 + 30] ^= 0x10
        let inspection = ModelInspection.inspect(damaged)
        let error = try #require(inspection.error)
        #expect(error.code == .chunkCRC)
        #expect(error.offset == tensor.offset)
        #expect(error.chunk == "TENS")
        // The walk still reports every checksum, and exactly one fails.
        #expect(inspection.checks.count == intact.checks.count)
        #expect(inspection.checks.filter { !$0.matches }.map(\.name) == ["chunk TENS CRC-32", "file SHA-256"])
    }
}
