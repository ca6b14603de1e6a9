/// A matrix of parameters as a model file stores it: shape, number type and elements.
///
/// Elements are row-major. The stored form is kept exactly (an `f16` tensor keeps its bit
/// patterns, an `int8` tensor its integers and scale), so reading and writing a file
/// reproduces its bytes; `doubles()` and `floats()` give the values for computation.
public struct Tensor: Sendable, Equatable {
    /// The stored elements.
    public enum Storage: Sendable, Equatable {
        case f64([Double])
        case f32([Float])
        /// binary16 bit patterns.
        case f16([UInt16])
        /// Integers whose values are `q × scale`.
        case int8([Int8], scale: Float)
    }

    public let rows: Int
    public let columns: Int
    public let storage: Storage

    /// Creates a tensor; the storage must hold `rows × columns` elements.
    public init(rows: Int, columns: Int, storage: Storage) {
        precondition(rows >= 0 && columns >= 0, "negative tensor shape")
        self.rows = rows
        self.columns = columns
        self.storage = storage
        precondition(elementCount == rows * columns, "tensor storage does not match its shape")
    }

    /// A binary64 tensor.
    public static func f64(rows: Int, columns: Int, _ values: [Double]) -> Tensor {
        Tensor(rows: rows, columns: columns, storage: .f64(values))
    }

    /// A binary32 tensor.
    public static func f32(rows: Int, columns: Int, _ values: [Float]) -> Tensor {
        Tensor(rows: rows, columns: columns, storage: .f32(values))
    }

    public var numberType: NumberType {
        switch storage {
        case .f64: .f64
        case .f32: .f32
        case .f16: .f16
        case .int8: .int8
        }
    }

    /// The number of stored elements.
    public var elementCount: Int {
        switch storage {
        case .f64(let values): values.count
        case .f32(let values): values.count
        case .f16(let values): values.count
        case .int8(let values, _): values.count
        }
    }

    /// The `int8` scale, or 0 for the other number types.
    public var scale: Float {
        if case .int8(_, let scale) = storage { return scale }
        return 0
    }

    /// The element values in binary64 (exact for every number type).
    public func doubles() -> [Double] {
        switch storage {
        case .f64(let values): values
        case .f32(let values): values.map(Double.init)
        case .f16(let values): values.map(Half.value(of:))
        case .int8(let values, let scale):
            values.map { Double($0) * Double(scale) }
        }
    }

    /// The element values in binary32 (rounded for `f64`).
    public func floats() -> [Float] {
        switch storage {
        case .f32(let values): values
        default: doubles().map(Float.init)
        }
    }

    /// The element value at a flat index, in binary64.
    public subscript(index: Int) -> Double {
        switch storage {
        case .f64(let values): values[index]
        case .f32(let values): Double(values[index])
        case .f16(let values): Half.value(of: values[index])
        case .int8(let values, let scale): Double(values[index]) * Double(scale)
        }
    }

    /// This tensor stored as another number type.
    ///
    /// Widening is exact. Narrowing rounds to nearest, ties to even; `int8` uses a
    /// symmetric per-tensor scale `max|x| / 127` (1 for an all-zero tensor).
    /// - Throws: `TensorConversionError` when a value is too large for `type` (beyond
    ///   65,504 for f16, beyond binary32's range for f32, or an int8 scale that would not
    ///   be a finite binary32), since the result would hold infinities.
    public func converted(to type: NumberType) throws(TensorConversionError) -> Tensor {
        if type == numberType { return self }
        let values = doubles()
        let largest = values.reduce(0) { max($0, $1.magnitude) }
        let storage: Storage
        switch type {
        case .f64: storage = .f64(values)
        case .f32:
            guard largest <= Double(Float.greatestFiniteMagnitude) else {
                throw TensorConversionError(type: type, largest: largest, limit: Double(Float.greatestFiniteMagnitude))
            }
            storage = .f32(values.map(Float.init))
        case .f16:
            guard largest < 65_520 else { throw TensorConversionError(type: type, largest: largest, limit: 65_504) }
            storage = .f16(values.map(Half.bits(from:)))
        case .int8:
            let scale = largest > 0 ? Float(largest / 127) : 1
            guard scale.isFinite, scale > 0 else {
                throw TensorConversionError(type: type, largest: largest, limit: Double(Float.greatestFiniteMagnitude))
            }
            let divisor = Double(scale)
            storage = .int8(
                values.map { value in
                    let units = (value / divisor).rounded(.toNearestOrEven)
                    return Int8(min(127, max(-127, units)))
                },
                scale: scale)
        }
        return Tensor(rows: rows, columns: columns, storage: storage)
    }

    /// Summary statistics of the values: minimum, maximum, mean and standard deviation.
    public func statistics() -> TensorStatistics {
        TensorStatistics(doubles())
    }
}

/// Minimum, maximum, mean and (population) standard deviation of a tensor's values.
public struct TensorStatistics: Sendable, Equatable, Codable {
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    public var standardDeviation: Double

    /// Computes the statistics in two passes for accuracy.
    public init(_ values: [Double]) {
        guard !values.isEmpty else {
            self.init(minimum: 0, maximum: 0, mean: 0, standardDeviation: 0)
            return
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        self.init(
            minimum: values.min() ?? 0, maximum: values.max() ?? 0, mean: mean,
            standardDeviation: variance.squareRoot())
    }

    public init(minimum: Double, maximum: Double, mean: Double, standardDeviation: Double) {
        self.minimum = minimum
        self.maximum = maximum
        self.mean = mean
        self.standardDeviation = standardDeviation
    }
}

/// A tensor whose values do not fit the number type asked for.
public struct TensorConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var type: NumberType
    /// The largest magnitude among the tensor's values.
    public var largest: Double
    /// The largest magnitude `type` holds.
    public var limit: Double

    public var description: String {
        "a parameter of magnitude \(largest) does not fit \(type.rawValue) (at most \(limit))"
    }
}
