import FNNMath

extension Activation {
    /// Applies the activation to each row of `z` in place (softmax normalises per row).
    ///
    /// Specialised for both scalar types and exported, so that callers in other modules
    /// run the specialised code: called through the generic witness tables, it cost more
    /// than the matrix products (a `Scalar(0)` made through `ExpressibleByIntegerLiteral`
    /// for every element).
    ///
    /// - Complexity: O(rows × columns).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    package func apply<Scalar: NetworkScalar>(to z: inout Matrix<Scalar>) {
        let columns = z.columns
        z.elements.withUnsafeMutableBufferPointer { values in
            switch self {
            case .sigmoid:
                for index in values.indices {
                    values[index] = 1 / (1 + Scalar.exponential(-values[index]))
                }
            case .tanh:
                for index in values.indices {
                    values[index] = Scalar.hyperbolicTangent(values[index])
                }
            case .relu:
                for index in values.indices where values[index] < 0 {
                    values[index] = 0
                }
            case .softmax:
                guard columns > 0 else { return }
                var start = 0
                while start < values.count {
                    let end = start + columns
                    var largest = values[start]
                    for index in start..<end where values[index] > largest { largest = values[index] }
                    var sum: Scalar = 0
                    for index in start..<end {
                        let e = Scalar.exponential(values[index] - largest)
                        values[index] = e
                        sum += e
                    }
                    for index in start..<end { values[index] /= sum }
                    start = end
                }
            }
        }
    }
}
