import FNNMath

extension Tensor {
    /// The values in `Scalar`: `floats()` for binary32, `doubles()` for binary64.
    package func values<Scalar: NetworkScalar>(as _: Scalar.Type) -> [Scalar] {
        if Scalar.self == Float.self, let values = floats() as? [Scalar] { return values }
        if let values = doubles() as? [Scalar] { return values }
        return doubles().map { Scalar($0) }
    }

    /// A tensor that stores `values` exactly: f32 for binary32, f64 otherwise.
    package static func storing<Scalar: NetworkScalar>(rows: Int, columns: Int, _ values: [Scalar]) -> Tensor {
        if let floats = values as? [Float] { return .f32(rows: rows, columns: columns, floats) }
        return .f64(rows: rows, columns: columns, values.map(Double.init))
    }
}
