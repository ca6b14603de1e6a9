import Foundation
import FNNKit
import FNNTestSupport
import Testing

/// A seeded random-mutation fuzzer for the reader: many thousands of damaged files, each
/// of which must give an error or a model, never a crash, a hang or a huge allocation.
@Suite struct ModelFileFuzzTests {
    /// Cases per seed file; `FNN_FUZZ_CASES` raises it for longer runs.
    static let cases = Int(ProcessInfo.processInfo.environment["FNN_FUZZ_CASES"] ?? "") ?? 20000

    @Test(arguments: ["v1-deep.fnn", "v2-f16.fnn", "v2-int8.fnn", "v2-mixed.fnn", "v2-future.fnn"])
    func mutatedFilesNeverCrash(name: String) throws {
        let original = try Fixtures.bytes(Fixtures.vectors + "/" + name)
        var random = SplitMix64(seed: 0xF00D + UInt64(original.count))
        var rejected = 0
        for _ in 0..<Self.cases {
            var bytes = original
            let mutations = 1 + Int(random.next() % 4)
            for _ in 0..<mutations {
                let position = Int(random.next() % UInt64(max(bytes.count, 1)))
                switch random.next() % 6 {
                case 0: bytes[position] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
                case 1: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 2: bytes.removeSubrange(position..<min(bytes.count, position + Int(random.next() % 16)))
                case 3: bytes.insert(contentsOf: (0..<Int(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
                case 4:
                    // A huge length or count: the reader must check it before allocating.
                    for index in 0..<4 where position + index < bytes.count { bytes[position + index] = 0xFF }
                default: bytes = Array(bytes[0..<position])
                }
                if bytes.isEmpty { break }
            }
            let inspection = ModelInspection.inspect(bytes)
            if (try? ModelFile.decode(bytes)) == nil { rejected += 1 } else { #expect(inspection.isIntact) }
        }
        // Nearly every mutation must be caught (a mutation can be a no-op, e.g. inserting nothing).
        #expect(rejected > Self.cases * 9 / 10)
    }
}
