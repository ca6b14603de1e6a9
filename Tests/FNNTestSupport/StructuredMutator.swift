import FNNKit

/// A structure-aware mutator for fnn's inputs. It parses a valid file into its fields,
/// changes the fields themselves (lengths, counts, layer sizes, type codes, key-value
/// entries, string and array lengths, history records, padding, scales, non-finite values,
/// chunk order) and then recomputes every checksum (each chunk's CRC-32, the header CRC,
/// the SHA-256 in `FEND`, version 1's CRC), so that a mutated file is stopped only by the
/// reader's semantic checks, as a crafted file would be.
package struct StructuredMutator {
    package var random: SplitMix64

    package init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    // MARK: Values worth trying

    /// Little-endian u32 values at and around every boundary the format has.
    package mutating func interestingUInt32() -> UInt32 {
        let values: [UInt32] = [
            0, 1, 2, 3, 7, 8, 10, 12, 23, 24, 48, 63, 64, 65, 127, 128, 255, 256, 784, 4_095, 4_096, 4_097,
            65_535, 65_536, 65_537, 100_000, 100_001, 1 << 20, (1 << 20) + 1, 1 << 28, (1 << 28) + 1,
            0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
        ]
        switch random.next() % 4 {
        case 0: return UInt32(truncatingIfNeeded: random.next())
        case 1: return UInt32(truncatingIfNeeded: random.next() % 300)
        default: return values[Int(random.next() % UInt64(values.count))]
        }
    }

    /// binary64 values that break naive arithmetic.
    package mutating func interestingDouble() -> Double {
        let values: [Double] = [
            .nan, .infinity, -.infinity, 0, -0.0, 1, -1, 1e308, -1e308, 1.7976931348623157e308, 1e20, -1e20,
            .leastNonzeroMagnitude, 1e-300, 65_504, 65_520, 3.5e38, 0x1p63, -0x1p63, 0x1p64, 255, 0.5,
        ]
        return random.next() % 5 == 0
            ? Double(bitPattern: random.next()) : values[Int(random.next() % UInt64(values.count))]
    }

    package mutating func chance(_ numerator: UInt64, in denominator: UInt64) -> Bool {
        random.next() % denominator < numerator
    }

    package mutating func index(_ count: Int) -> Int {
        count <= 0 ? 0 : Int(random.next() % UInt64(count))
    }

    // MARK: Byte-level field writes

    static func put32(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<4 where offset + index < bytes.count && offset + index >= 0 {
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index)))
        }
    }

    static func put64(_ value: UInt64, at offset: Int, in bytes: inout [UInt8]) {
        for index in 0..<8 where offset + index < bytes.count && offset + index >= 0 {
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))
        }
    }

    static func get32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    /// One random field-aware change somewhere in `data`: a u32, a u64 or a double at an
    /// aligned position, a byte, or a resize.
    mutating func mutateBlob(_ data: inout [UInt8], fieldOffsets: [Int] = []) {
        guard !data.isEmpty else {
            data = (0..<index(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            return
        }
        // A field offset computed from a mutated length can fall outside the data.
        let chosen = !fieldOffsets.isEmpty && chance(3, in: 4)
            ? fieldOffsets[index(fieldOffsets.count)] : index(data.count)
        let position = min(max(0, chosen), data.count - 1)
        switch random.next() % 7 {
        case 0, 1: Self.put32(interestingUInt32(), at: position, in: &data)
        case 2: Self.put64(interestingDouble().bitPattern, at: position, in: &data)
        case 3: data[min(position, data.count - 1)] = UInt8(truncatingIfNeeded: random.next())
        case 4: data[min(position, data.count - 1)] ^= UInt8(1) << UInt8(random.next() % 8)
        case 5: data.removeSubrange(min(position, data.count)..<min(data.count, position + 1 + index(16)))
        default:
            data.insert(
                contentsOf: (0..<(1 + index(16))).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                at: min(position, data.count))
        }
    }
}

/// CRC-32 (ISO 3309), written here so the test support recomputes checksums independently
/// of the library.
package enum TestCRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

// MARK: - Version 2

/// A version 2 file as its header fields and chunk list, to be mutated and written back
/// with every checksum recomputed.
package struct V2Document {
    package struct Chunk {
        package var type: [UInt8]
        package var data: [UInt8]
    }

    /// The 24 header bytes (the CRC at 20 is recomputed on writing).
    package var header: [UInt8]
    package var chunks: [Chunk]

    /// Parses a valid version 2 file; `nil` for anything else.
    package init?(_ bytes: [UInt8]) {
        guard bytes.count >= 24, bytes[0] == 0x89, bytes[1] == 0x46 else { return nil }
        header = Array(bytes[0..<24])
        chunks = []
        var offset = 24
        while offset + 12 <= bytes.count {
            let length = Int(StructuredMutator.get32(bytes, offset))
            guard offset + 12 + length <= bytes.count else { return nil }
            chunks.append(Chunk(type: Array(bytes[(offset + 4)..<(offset + 8)]), data: Array(bytes[(offset + 8)..<(offset + 8 + length)])))
            offset += 12 + length
        }
    }

    /// The file, with the header CRC, each chunk's CRC and a final `FEND`'s SHA-256
    /// recomputed. Tensor padding is not recomputed: a mutation that moves a tensor is
    /// meant to test the alignment check.
    package func bytes(fixingDigest: Bool = true) -> [UInt8] {
        var out = header
        StructuredMutator.put32(TestCRC32.checksum(header[0..<20]), at: 20, in: &out)
        for (index, chunk) in chunks.enumerated() {
            let isFinalFEND = index == chunks.count - 1 && chunk.type == Array("FEND".utf8) && chunk.data.count == 32
            let data = isFinalFEND && fixingDigest ? SHA256Digest.digest(out) : chunk.data
            var frame = [UInt8](repeating: 0, count: 4)
            StructuredMutator.put32(UInt32(truncatingIfNeeded: data.count), at: 0, in: &frame)
            out += frame
            out += chunk.type
            out += data
            var crc = [UInt8](repeating: 0, count: 4)
            StructuredMutator.put32(TestCRC32.checksum(chunk.type + data), at: 0, in: &crc)
            out += crc
        }
        return out
    }

    /// The offsets, within a chunk's data, of the fields its type defines.
    static func fieldOffsets(_ chunk: Chunk) -> [Int] {
        switch String(decoding: chunk.type, as: UTF8.self) {
        case "ARCH":
            let layers = Int(StructuredMutator.get32(chunk.data, 0))
            var offsets = [0, 4, 8, 9]
            for layer in 0..<min(layers, 64) {
                let base: Int = 12 + 8 * layer
                offsets += [base, base + 4, base + 5]
            }
            return offsets
        case "TENS", "optm":
            let padding = Int(min(StructuredMutator.get32(chunk.data, 20), 64))
            return [0, 4, 5, 6, 8, 12, 16, 20, 24, 24 + padding, 24 + padding + 8, chunk.data.count - 8]
        case "hist":
            let records = min(Int(StructuredMutator.get32(chunk.data, 0)), 64)
            var offsets = [0]
            for record in 0..<records {
                let base: Int = 4 + 48 * record
                offsets += [base, base + 4, base + 8, base + 16, base + 24, base + 32, base + 40]
            }
            return offsets
        case "hyps", "meta":
            return KeyValueFieldScanner.offsets(chunk.data)
        default:
            return [0]
        }
    }
}

/// Finds the offsets of the fields in a key-value chunk's data: the entry count, each
/// key length, key, value type, length or count, and value.
enum KeyValueFieldScanner {
    static func offsets(_ data: [UInt8]) -> [Int] {
        var offsets = [0]
        var position = 4
        let count = Int(StructuredMutator.get32(data, 0))
        for _ in 0..<min(count, 4096) {
            guard position < data.count else { break }
            let keyLength = Int(data[position])
            offsets += [position, position + 1]
            position += 1 + keyLength
            guard position < data.count else { break }
            let type = data[position]
            offsets.append(position)
            position += 1
            offsets.append(position)
            switch type {
            case 1: position += 1
            case 2, 3, 4: position += 8
            case 5: position += 4 + Int(StructuredMutator.get32(data, position))
            case 6: position += 4 + 8 * Int(StructuredMutator.get32(data, position))
            case 7:
                let elements = Int(StructuredMutator.get32(data, position))
                position += 4
                for _ in 0..<min(elements, 4096) {
                    guard position < data.count else { break }
                    offsets.append(position)
                    position += 4 + Int(StructuredMutator.get32(data, position))
                }
            default: return offsets
            }
        }
        return offsets
    }
}

extension StructuredMutator {
    /// A mutated version 2 file, or `nil` when `bytes` is not one.
    package mutating func mutateV2(_ bytes: [UInt8]) -> [UInt8]? {
        guard var document = V2Document(bytes) else { return nil }
        let rounds = 1 + index(3)
        var fixingDigest = true
        for _ in 0..<rounds {
            switch random.next() % 16 {
            case 0:
                // Header fields: versions, byte order, reserved.
                let field = [8, 9, 10, 12, 14, 16][index(6)]
                Self.put32(interestingUInt32(), at: field, in: &document.header)
                if field == 8 || field == 9 { document.header[field] = UInt8(truncatingIfNeeded: random.next()) }
            case 1:
                // Chunk order: swap, duplicate or drop.
                guard document.chunks.count > 1 else { continue }
                let a = index(document.chunks.count), b = index(document.chunks.count)
                switch random.next() % 3 {
                case 0: document.chunks.swapAt(a, b)
                case 1: document.chunks.insert(document.chunks[a], at: b)
                default: document.chunks.remove(at: a)
                }
            case 2:
                // An unknown chunk, critical or ancillary, or a chunk type that is not letters.
                let type: [UInt8] = [
                    Array("zzzz".utf8), Array("ZZZZ".utf8), Array("tENS".utf8), [0x00, 0x41, 0x42, 0x43],
                    Array("hyps".utf8), Array("meta".utf8), Array("hist".utf8), Array("optm".utf8),
                ][index(8)]
                let data = (0..<index(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                document.chunks.insert(V2Document.Chunk(type: type, data: data), at: index(document.chunks.count + 1))
            case 3:
                // A wrong digest, kept wrong.
                fixingDigest = false
            case 4:
                // Non-finite or huge tensor elements, in the tensor's own number type.
                guard let chunkIndex = document.chunks.indices.filter({ document.chunks[$0].type == Array("TENS".utf8) }).randomElement(using: &self) else { continue }
                var data = document.chunks[chunkIndex].data
                let padding = Int(min(Self.get32(data, 20), 63))
                let start = 24 + padding
                guard start < data.count else { continue }
                let type = data.count > 5 ? data[5] : 0
                let position = start + index(max(1, (data.count - start) / 8)) * 8
                switch type {
                case 1: Self.put64(interestingDouble().bitPattern, at: position, in: &data)
                case 2: Self.put32(Float(interestingDouble()).bitPattern, at: position, in: &data)
                case 3:
                    let bits: [UInt16] = [0x7C00, 0xFC00, 0x7E00, 0x7BFF, 0xFBFF, 0x0001]
                    let value = bits[index(bits.count)]
                    if position + 1 < data.count {
                        data[position] = UInt8(value & 0xFF)
                        data[position + 1] = UInt8(value >> 8)
                    }
                default:
                    // int8: the scale.
                    Self.put32(Float(interestingDouble()).bitPattern, at: 16, in: &data)
                }
                document.chunks[chunkIndex].data = data
            case 5:
                // A known metadata key with a value that is legal to the type but not the meaning.
                let entries = metadataEntry()
                insertKeyValue(into: &document, type: chance(1, in: 4) ? "hyps" : "meta", entries)
            case 6:
                // A history record with extreme values.
                var record = [UInt8](repeating: 0, count: 48)
                Self.put32(interestingUInt32(), at: 0, in: &record)
                for field in 0..<5 { Self.put64(interestingDouble().bitPattern, at: 8 + 8 * field, in: &record) }
                var data = [UInt8](repeating: 0, count: 4)
                let records = 1 + index(3)
                Self.put32(UInt32(records), at: 0, in: &data)
                for _ in 0..<records { data += record }
                if let at = document.chunks.firstIndex(where: { $0.type == Array("hist".utf8) }) {
                    document.chunks[at].data = data
                } else {
                    document.chunks.insert(V2Document.Chunk(type: Array("hist".utf8), data: data), at: max(0, document.chunks.count - 1))
                }
            default:
                // A field of one chunk, by its type's layout.
                guard !document.chunks.isEmpty else { continue }
                let chunkIndex = index(document.chunks.count)
                var chunk = document.chunks[chunkIndex]
                mutateBlob(&chunk.data, fieldOffsets: V2Document.fieldOffsets(chunk))
                document.chunks[chunkIndex] = chunk
            }
        }
        return document.bytes(fixingDigest: fixingDigest)
    }

    /// One `meta` or `hyps` entry with a value meant to break whoever uses it.
    private mutating func metadataEntry() -> [(String, TypedValue)] {
        let sides: [Int64] = [-28, 0, 1, 28, 784, 65_536, 65_537, 1 << 31, 1 << 62, .max, .min]
        let side = { (choice: UInt64) -> TypedValue in .int64(sides[Int(choice % UInt64(sides.count))]) }
        switch random.next() % 10 {
        case 0: return [("input.width", side(random.next()))]
        case 1: return [("input.height", side(random.next())), ("input.width", side(random.next()))]
        case 2: return [("input.scale_min", .float64(interestingDouble()))]
        case 3: return [("input.scale_max", .float64(interestingDouble())), ("input.scale_min", .float64(interestingDouble()))]
        case 4: return [("input.layout", .string(["column-major", "", "row-major"][index(3)]))]
        case 5:
            let labels = (0..<index(20)).map { _ in ["7", "", "\u{1B}[31mred", "a,b", "line\nbreak", "\"q\"", String(repeating: "x", count: 300)][index(7)] }
            return [("labels", .stringArray(labels))]
        case 6: return [("test_accuracy", .float64(interestingDouble())), ("validation_accuracy", .float64(interestingDouble()))]
        case 7: return [("batch_size", side(random.next())), ("epochs", side(random.next()))]
        case 8: return [("learning_rate", .float64(interestingDouble())), ("momentum", .float64(interestingDouble()))]
        default: return [("threads", side(random.next())), ("validation_size", side(random.next()))]
        }
    }

    private mutating func insertKeyValue(into document: inout V2Document, type: String, _ entries: [(String, TypedValue)]) {
        var data = [UInt8](repeating: 0, count: 4)
        let sorted = entries.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        Self.put32(UInt32(sorted.count), at: 0, in: &data)
        for (key, value) in sorted {
            data.append(UInt8(key.utf8.count))
            data += Array(key.utf8)
            data.append(value.typeCode)
            switch value {
            case .bool(let flag): data.append(flag ? 1 : 0)
            case .int64(let number): data += Self.little64(UInt64(bitPattern: number))
            case .uint64(let number): data += Self.little64(number)
            case .float64(let number): data += Self.little64(number.bitPattern)
            case .string(let text):
                data += Self.little32(UInt32(text.utf8.count)) + Array(text.utf8)
            case .float64Array(let numbers):
                data += Self.little32(UInt32(numbers.count))
                for number in numbers { data += Self.little64(number.bitPattern) }
            case .stringArray(let texts):
                data += Self.little32(UInt32(texts.count))
                for text in texts { data += Self.little32(UInt32(text.utf8.count)) + Array(text.utf8) }
            }
        }
        let typeBytes = Array(type.utf8)
        if let at = document.chunks.firstIndex(where: { $0.type == typeBytes }) {
            document.chunks[at].data = data
        } else {
            let before = document.chunks.firstIndex { $0.type == Array("FEND".utf8) } ?? document.chunks.count
            document.chunks.insert(V2Document.Chunk(type: typeBytes, data: data), at: before)
        }
    }

    static func little32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
    static func little64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    // MARK: - Version 1

    /// A mutated version 1 file with its CRC-32 recomputed, or `nil` when `bytes` is not one.
    package mutating func mutateV1(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 16, bytes.starts(with: Array("FNN1".utf8)) else { return nil }
        var body = Array(bytes.dropLast(4))
        let layers = Int(min(Self.get32(body, 4), 64))
        let header = 8 + 4 * (layers + 1)
        let fields = [4] + (0...layers).map { 8 + 4 * $0 } + [header, header + 1, header + 8, header + 16, header + 24, header + 28, header + 32, header + 40, body.count - 8]
        for _ in 0..<(1 + index(2)) {
            if chance(1, in: 5) {
                let position = header + 40 + index(max(1, (body.count - header - 40) / 8)) * 8
                Self.put64(interestingDouble().bitPattern, at: position, in: &body)
            } else {
                mutateBlob(&body, fieldOffsets: fields)
            }
        }
        return body + Self.little32(TestCRC32.checksum(body))
    }

    // MARK: - network2.py JSON

    /// A mutated network2.py JSON document: numbers, sizes, lists and keys changed at the
    /// level of its tokens, so that the text mostly stays JSON.
    package mutating func mutateJSON(_ bytes: [UInt8]) -> [UInt8] {
        var text = bytes
        for _ in 0..<(1 + index(3)) {
            let position = index(text.count)
            let replacements: [String] = [
                "NaN", "Infinity", "-1", "0", "1e308", "1e999", "70000", "65536", "18446744073709551616", "\"x\"", "null",
                "[]", "[[]]", "{}", "[1,2,3]", "1.5", "-0", "true", String(repeating: "[", count: 200),
                String(repeating: "9", count: 500), "\"\u{1B}\"", "\"\\ud800\"", "\"\\u12\"",
            ]
            switch random.next() % 6 {
            case 0, 1:
                // Replace a number (the run of number characters around the position).
                var start = position, end = position
                let isNumber: (UInt8) -> Bool = { (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x65 || $0 == 0x45 || $0 == 0x2B }
                while start > 0, isNumber(text[start - 1]) { start -= 1 }
                while end < text.count, isNumber(text[end]) { end += 1 }
                text.replaceSubrange(start..<end, with: Array(replacements[index(replacements.count)].utf8))
            case 2:
                text.insert(contentsOf: Array((index(2) == 0 ? "," : "]").utf8), at: position)
            case 3:
                text.removeSubrange(position..<min(text.count, position + 1 + index(40)))
            case 4:
                let keys = ["\"sizes\"", "\"weights\"", "\"biases\"", "\"cost\"", "\"QuadraticCost\""]
                if let range = firstRange(of: Array(keys[index(keys.count)].utf8), in: text) {
                    text.replaceSubrange(range, with: Array(keys[index(keys.count)].utf8))
                }
            default:
                text = Array(text.prefix(position))
            }
            if text.isEmpty { break }
        }
        return text
    }

    private func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start..<(start + needle.count)
        }
        return nil
    }

    // MARK: - IDX

    /// A mutated IDX file: the magic, each dimension, the data length.
    package mutating func mutateIDX(_ bytes: [UInt8]) -> [UInt8] {
        var data = bytes
        let dimensions = data.count >= 4 ? Int(data[3]) : 1
        for _ in 0..<(1 + index(2)) {
            switch random.next() % 4 {
            case 0:
                let value = interestingUInt32()
                let at = 4 * index(min(dimensions, 3) + 1)
                for index in 0..<4 where at + index < data.count { data[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(3 - index))) }
            case 1: data = Array(data.prefix(index(data.count + 1)))
            case 2: data += (0..<(1 + index(32))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            default: mutateBlob(&data, fieldOffsets: [0, 2, 3, 4, 8, 12])
            }
        }
        return data
    }
}

extension StructuredMutator {
    /// `bytes` as a gzip member of stored (uncompressed) deflate blocks, with its CRC-32
    /// and length, so a mutated payload can be wrapped in valid gzip.
    package static func storedGzip(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var start = 0
        repeat {
            let length = min(65_535, bytes.count - start)
            let final: UInt8 = start + length == bytes.count ? 1 : 0
            out.append(final)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += bytes[start..<(start + length)]
            start += length
        } while start < bytes.count
        out += little32(TestCRC32.checksum(bytes))
        out += little32(UInt32(truncatingIfNeeded: bytes.count))
        return out
    }
}

extension StructuredMutator: RandomNumberGenerator {
    package mutating func next() -> UInt64 { random.next() }
}

