import FNNModel
import FNNSupport

/// The payload of `hyps` and `meta`: typed entries sorted by key.
enum KeyValueChunk {
    /// Reads the entries and the offset of each, for error messages about their values.
    static func read(
        _ bytes: [UInt8], _ frame: ChunkFrame
    ) throws(ModelFileError) -> ([String: TypedValue], [String: Int]) {
        let start = frame.dataStart
        let end = start + frame.length
        func fail(_ code: ModelFileError.Code, _ message: String, at offset: Int) -> ModelFileError {
            ModelFileError(code, message, offset: offset, chunk: frame.type)
        }
        var reader = ByteReader(bytes, start: start, end: end)
        guard let count = reader.readUInt32().map(Int.init) else {
            throw fail(.invalid, "the chunk is too short for its entry count", at: frame.offset)
        }
        guard count <= ModelFileLimits.maximumEntries else {
            throw fail(.limit, "\(count) entries exceed the limit of 4096", at: start)
        }
        guard count * 4 <= reader.remaining else {
            throw fail(.invalid, "\(count) entries cannot fit in the chunk's \(reader.remaining) remaining bytes", at: frame.offset)
        }
        /// An array's element count, checked against the limit and against the bytes left
        /// (each element takes at least `elementSize` of them).
        func arrayCount(_ reader: inout ByteReader, elementSize: Int) throws(ModelFileError) -> Int {
            let countOffset = reader.offset
            let short = fail(.invalid, "an entry runs past the end of the chunk", at: frame.offset)
            guard let elements = reader.readUInt32().map(Int.init) else { throw short }
            guard elements <= ModelFileLimits.maximumArrayElements else {
                throw fail(.limit, "\(elements) array elements exceed the limit of 2^20", at: countOffset)
            }
            guard elements * elementSize <= reader.remaining else { throw short }
            return elements
        }
        var entries: [String: TypedValue] = [:]
        var offsets: [String: Int] = [:]
        var previousKey: [UInt8]?
        for _ in 0..<count {
            let entryStart = reader.offset
            let short = fail(.invalid, "an entry runs past the end of the chunk", at: frame.offset)
            guard let keyLength = reader.readUInt8().map(Int.init) else { throw short }
            guard keyLength >= 1 else { throw fail(.limit, "a key is empty (keys are 1–255 bytes)", at: entryStart) }
            guard let keyBytes = reader.readBytes(keyLength).map(Array.init) else { throw short }
            guard keyBytes.allSatisfy(isKeyByte) else {
                throw fail(.invalid, "key \"\(String(decoding: keyBytes, as: UTF8.self))\" has characters outside a–z, 0–9, _ and .", at: entryStart + 1)
            }
            if let previousKey, !previousKey.lexicographicallyPrecedes(keyBytes) {
                throw fail(.invalid, "key \"\(String(decoding: keyBytes, as: UTF8.self))\" is not sorted after the previous key, or repeats it", at: entryStart + 1)
            }
            previousKey = keyBytes
            let key = String(decoding: keyBytes, as: UTF8.self)
            let valueOffset = reader.offset
            guard let type = reader.readUInt8() else { throw short }
            let value: TypedValue
            switch type {
            case 1:
                guard let byte = reader.readUInt8() else { throw short }
                guard byte <= 1 else { throw fail(.invalid, "bool value \(byte) is not 0 or 1", at: valueOffset + 1) }
                value = .bool(byte == 1)
            case 2:
                guard let number = reader.readInt64() else { throw short }
                value = .int64(number)
            case 3:
                guard let number = reader.readUInt64() else { throw short }
                value = .uint64(number)
            case 4:
                guard let number = reader.readFloat64() else { throw short }
                value = .float64(number)
            case 5:
                value = .string(try readString(&reader, chunkOffset: frame.offset, fail))
            case 6:
                let elements = try arrayCount(&reader, elementSize: 8)
                value = .float64Array((0..<elements).map { _ in reader.readFloat64() ?? 0 })
            case 7:
                let elements = try arrayCount(&reader, elementSize: 4)
                var strings: [String] = []
                for _ in 0..<elements { strings.append(try readString(&reader, chunkOffset: frame.offset, fail)) }
                value = .stringArray(strings)
            default:
                throw fail(.invalid, "key \(key) has unknown value type \(type)", at: valueOffset)
            }
            entries[key] = value
            offsets[key] = valueOffset
        }
        guard reader.remaining == 0 else {
            throw fail(.invalid, "\(reader.remaining) unused bytes follow the last entry", at: frame.offset)
        }
        return (entries, offsets)
    }

    private static func readString(
        _ reader: inout ByteReader, chunkOffset: Int,
        _ fail: (ModelFileError.Code, String, Int) -> ModelFileError
    ) throws(ModelFileError) -> String {
        let offset = reader.offset
        guard let length = reader.readUInt32().map(Int.init) else {
            throw fail(.invalid, "a string runs past the end of the chunk", chunkOffset)
        }
        guard length <= ModelFileLimits.maximumStringBytes else {
            throw fail(.limit, "a \(length)-byte string exceeds the limit of 1 MiB", offset)
        }
        guard let bytes = reader.readBytes(length) else {
            throw fail(.invalid, "a string runs past the end of the chunk", chunkOffset)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw fail(.invalid, "the string is not valid UTF-8", offset + 4)
        }
        return text
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F || byte == 0x2E
    }

    static func write(_ entries: [String: TypedValue], to writer: inout ByteWriter) {
        writer.write(UInt32(entries.count))
        for key in entries.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard let value = entries[key] else { continue }
            let keyBytes = Array(key.utf8)
            writer.write(UInt8(keyBytes.count))
            writer.write(bytes: keyBytes)
            writer.write(value.typeCode)
            switch value {
            case .bool(let flag): writer.write(UInt8(flag ? 1 : 0))
            case .int64(let number): writer.write(number)
            case .uint64(let number): writer.write(number)
            case .float64(let number): writer.write(number)
            case .string(let text): writeString(text, to: &writer)
            case .float64Array(let numbers):
                writer.write(UInt32(numbers.count))
                for number in numbers { writer.write(number) }
            case .stringArray(let texts):
                writer.write(UInt32(texts.count))
                for text in texts { writeString(text, to: &writer) }
            }
        }
    }

    private static func writeString(_ text: String, to writer: inout ByteWriter) {
        let bytes = Array(text.utf8)
        writer.write(UInt32(bytes.count))
        writer.write(bytes: bytes)
    }

    /// Why `entries` cannot be written, or `nil` when they can.
    static func problem(with entries: [String: TypedValue]) -> String? {
        guard entries.count <= ModelFileLimits.maximumEntries else { return "more than 4096 entries" }
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            guard ModelFileLimits.keyLength.contains(bytes.count), bytes.allSatisfy(isKeyByte) else {
                return "key \"\(key)\" is not 1–255 characters from a–z, 0–9, _ and ."
            }
            switch value {
            case .string(let text) where text.utf8.count > ModelFileLimits.maximumStringBytes:
                return "the value of \(key) is over 1 MiB"
            case .float64Array(let values) where values.count > ModelFileLimits.maximumArrayElements:
                return "the value of \(key) has over 2^20 elements"
            case .stringArray(let values):
                if values.count > ModelFileLimits.maximumArrayElements
                    || values.contains(where: { $0.utf8.count > ModelFileLimits.maximumStringBytes })
                {
                    return "the value of \(key) is too large"
                }
            default: break
            }
        }
        return nil
    }
}
