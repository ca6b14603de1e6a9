import FNNModel
import FNNSupport

/// What a tensor chunk holds.
enum TensorRole: UInt8, Sendable {
    case weights = 1
    case biases = 2
    case weightVelocity = 3
    case biasVelocity = 4

    var name: String {
        switch self {
        case .weights: "weights"
        case .biases: "biases"
        case .weightVelocity: "weight velocity"
        case .biasVelocity: "bias velocity"
        }
    }

    var isBias: Bool { self == .biases || self == .biasVelocity }
}

/// A tensor's place in the network.
struct TensorKey: Hashable, Sendable {
    var layer: Int
    var role: TensorRole
}

/// The payload of `TENS` and `optm` chunks.
enum TensorChunk {
    static let fixedSize = 24

    static func read(
        _ bytes: [UInt8], _ frame: ChunkFrame, _ architecture: Architecture
    ) throws(ModelFileError) -> (TensorKey, Tensor) {
        let start = frame.dataStart
        func fail(_ code: ModelFileError.Code, _ message: String, at offset: Int) -> ModelFileError {
            ModelFileError(code, message, offset: offset, chunk: frame.type)
        }
        guard frame.length >= fixedSize else {
            throw fail(.invalid, "the tensor chunk holds \(frame.length) bytes; it needs at least 24", at: frame.offset)
        }
        var reader = ByteReader(bytes, start: start, end: start + frame.length)
        let layer = Int(reader.readUInt32() ?? 0)
        guard layer < architecture.layers.count else {
            throw fail(.invalid, "layer index \(layer) is beyond the \(architecture.layers.count) layers", at: start)
        }
        let roleCode = reader.readUInt8() ?? 0
        let allowed: [TensorRole] = frame.type == "TENS" ? [.weights, .biases] : [.weightVelocity, .biasVelocity]
        guard let role = TensorRole(rawValue: roleCode), allowed.contains(role) else {
            throw fail(.invalid, "role \(roleCode) is not allowed in a \(frame.type) chunk", at: start + 4)
        }
        let typeCode = reader.readUInt8() ?? 0
        guard let numberType = NumberType(code: typeCode) else {
            throw fail(.invalid, "unknown number type code \(typeCode)", at: start + 5)
        }
        if frame.type == "optm", numberType != .f32, numberType != .f64 {
            throw fail(.invalid, "optimiser state must be f32 or f64, not \(numberType.rawValue)", at: start + 5)
        }
        guard reader.readUInt16() == 0 else {
            throw fail(.invalid, "reserved bytes are not zero", at: start + 6)
        }
        let rows = Int(reader.readUInt32() ?? 0)
        let columns = Int(reader.readUInt32() ?? 0)
        // The product is formed with an overflow check (two u32 fields can exceed
        // Int.max together); shapes are compared with ARCH once the whole file is read.
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, count <= ModelFileLimits.maximumTensorElements else {
            throw fail(.limit, "the rows and columns fields declare \(rows)×\(columns) elements, over the limit of 2^28", at: start + 8)
        }
        let scale = reader.readFloat32() ?? 0
        if numberType == .int8 {
            guard scale.isFinite, scale > 0 else {
                throw fail(.invalid, "the int8 scale \(scale) is not a finite positive number", at: start + 16)
            }
        } else if scale.bitPattern != 0 {
            throw fail(.invalid, "the scale must be 0 for \(numberType.rawValue) tensors", at: start + 16)
        }
        let padding = Int(reader.readUInt32() ?? 0)
        guard padding < ModelFileLayout.tensorAlignment else {
            throw fail(.invalid, "padding \(padding) is over 63", at: start + 20)
        }
        let expectedLength = fixedSize + padding + count * numberType.byteWidth
        guard frame.length == expectedLength else {
            throw fail(
                .invalid, "the chunk holds \(frame.length) bytes; its header makes it \(expectedLength)",
                at: frame.offset)
        }
        if bytes[(start + fixedSize)..<(start + fixedSize + padding)].contains(where: { $0 != 0 }) {
            throw fail(.invalid, "padding bytes are not zero", at: start + fixedSize)
        }
        let elementsStart = start + fixedSize + padding
        guard elementsStart % ModelFileLayout.tensorAlignment == 0 else {
            throw fail(
                .invalid, "the elements start at byte \(elementsStart), not a multiple of 64 as the format requires",
                at: start + 20)
        }
        _ = reader.skip(padding)
        let storage = try readElements(&reader, count, numberType, scale) { offset, value in
            fail(.invalid, "\(role.name) of layer \(layer + 1): element is \(value), not a finite number", at: offset)
        }
        return (TensorKey(layer: layer, role: role), Tensor(rows: rows, columns: columns, storage: storage))
    }

    private static func readElements(
        _ reader: inout ByteReader, _ count: Int, _ type: NumberType, _ scale: Float,
        nonFinite: (Int, Double) -> ModelFileError
    ) throws(ModelFileError) -> Tensor.Storage {
        switch type {
        case .f64:
            var values = [Double]()
            values.reserveCapacity(count)
            for _ in 0..<count {
                let offset = reader.offset
                let value = reader.readFloat64() ?? .nan
                guard value.isFinite else { throw nonFinite(offset, value) }
                values.append(value)
            }
            return .f64(values)
        case .f32:
            var values = [Float]()
            values.reserveCapacity(count)
            for _ in 0..<count {
                let offset = reader.offset
                let value = reader.readFloat32() ?? .nan
                guard value.isFinite else { throw nonFinite(offset, Double(value)) }
                values.append(value)
            }
            return .f32(values)
        case .f16:
            var values = [UInt16]()
            values.reserveCapacity(count)
            for _ in 0..<count {
                let offset = reader.offset
                let bits = reader.readUInt16() ?? 0x7C00
                guard bits & 0x7C00 != 0x7C00 else { throw nonFinite(offset, Half.value(of: bits)) }
                values.append(bits)
            }
            return .f16(values)
        case .int8:
            var values = [Int8]()
            values.reserveCapacity(count)
            for _ in 0..<count {
                values.append(Int8(bitPattern: reader.readUInt8() ?? 0))
            }
            return .int8(values, scale: scale)
        }
    }

    /// Appends a tensor chunk's data; `dataStart` is the absolute file offset of the data,
    /// which decides the padding.
    static func write(
        _ tensor: Tensor, key: TensorKey, dataStart: Int, to writer: inout ByteWriter
    ) {
        writer.write(UInt32(key.layer))
        writer.write(key.role.rawValue)
        writer.write(tensor.numberType.code)
        writer.write(UInt16(0))
        writer.write(UInt32(tensor.rows))
        writer.write(UInt32(tensor.columns))
        writer.write(tensor.scale)
        let alignment = ModelFileLayout.tensorAlignment
        let padding = (alignment - (dataStart + fixedSize) % alignment) % alignment
        writer.write(UInt32(padding))
        writer.writeZeros(padding)
        switch tensor.storage {
        case .f64(let values): for value in values { writer.write(value) }
        case .f32(let values): for value in values { writer.write(value) }
        case .f16(let values): for value in values { writer.write(value) }
        case .int8(let values, _): for value in values { writer.write(UInt8(bitPattern: value)) }
        }
    }
}
