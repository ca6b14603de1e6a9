/// Writes Protocol Buffers wire format: just what the ONNX export needs (varints,
/// 32-bit floats, length-delimited fields and nested messages).
///
/// Hand-written rather than generated with swift-protobuf: the export writes nine
/// message types one way only, so a 60-line encoder, checked against the official
/// `onnx` package in CI, is simpler than committing the generated code of all of
/// `onnx.proto` and adding a runtime dependency.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// An `int64` or `int32` field (negative values as ten-byte two's complement).
    mutating func int(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message, written by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        body(&nested)
        bytes(field, nested.bytes)
    }

    /// A packed repeated `int64` field.
    mutating func packedInts(_ field: Int, _ values: [Int64]) {
        var nested = ProtobufWriter()
        for value in values { nested.varint(UInt64(bitPattern: value)) }
        bytes(field, nested.bytes)
    }
}
