/// A cursor over little-endian bytes that never traps on short input.
///
/// `read…` methods advance the cursor; `peek…` methods do not. Every read that would run
/// past the end returns `nil`, so callers turn a short input into an error that names the
/// offset instead of crashing.
package struct ByteReader {
    /// The bytes being read.
    package let bytes: [UInt8]
    /// The absolute offset of the next byte to read.
    package private(set) var offset: Int
    /// The offset one past the last byte this reader may read.
    package let end: Int

    /// Creates a reader over `bytes[start..<end]`.
    package init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// The number of bytes left to read.
    package var remaining: Int { end - offset }

    /// Reads an unsigned little-endian integer of `T`'s width.
    package mutating func read<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) -> T? {
        guard let value = peek(T.self, at: offset) else { return nil }
        offset += MemoryLayout<T>.size
        return value
    }

    /// Returns the little-endian integer at an absolute offset without moving the cursor.
    package func peek<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, at position: Int) -> T? {
        let size = MemoryLayout<T>.size
        guard position >= 0, position <= end - size else { return nil }
        var value: T = 0
        for index in 0..<size {
            value |= T(bytes[position + index]) << (8 * index)
        }
        return value
    }

    package mutating func readUInt8() -> UInt8? { read(UInt8.self) }
    package mutating func readUInt16() -> UInt16? { read(UInt16.self) }
    package mutating func readUInt32() -> UInt32? { read(UInt32.self) }
    package mutating func readUInt64() -> UInt64? { read(UInt64.self) }

    package mutating func readInt64() -> Int64? {
        read(UInt64.self).map { Int64(bitPattern: $0) }
    }

    package mutating func readFloat32() -> Float? {
        read(UInt32.self).map { Float(bitPattern: $0) }
    }

    package mutating func readFloat64() -> Double? {
        read(UInt64.self).map { Double(bitPattern: $0) }
    }

    /// Reads `count` raw bytes.
    package mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// Moves the cursor forward by `count` bytes.
    package mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        offset += count
        return true
    }
}
