/// A network ready to compute: each layer's parameters decoded into `Scalar` arrays.
///
/// Built from a `Model`; every command that runs a network (evaluate, predict, watch,
/// train) uses its batched forward pass.
public struct DenseNetwork<Scalar: NetworkScalar>: Sendable {
    /// One layer's parameters.
    public struct DenseLayer: Sendable {
        public var activation: Activation
        public var inputSize: Int
        public var outputSize: Int
        /// `outputSize × inputSize`, row-major.
        public var weights: [Scalar]
        public var biases: [Scalar]
    }

    public var layers: [DenseLayer]

    /// Decodes a model's parameters into `Scalar`.
    public init(_ model: Model) {
        layers = model.layers.map { layer in
            DenseLayer(
                activation: layer.activation, inputSize: layer.inputSize,
                outputSize: layer.outputSize, weights: Scalar.values(of: layer.weights),
                biases: Scalar.values(of: layer.biases))
        }
    }

    public var inputSize: Int { layers.first?.inputSize ?? 0 }
    public var outputSize: Int { layers.last?.outputSize ?? 0 }

    /// Runs a batch through the network.
    ///
    /// - Parameter inputs: one sample per row, `inputSize` columns.
    /// - Returns: one row of `outputSize` activations per sample.
    /// - Complexity: O(samples × parameters), as one matrix product per layer.
    public func forward(_ inputs: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(inputs.columns == inputSize, "input width does not match the network")
        var activations = inputs
        for layer in layers {
            activations = Self.weightedInput(layer, activations)
            layer.activation.apply(to: &activations)
        }
        return activations
    }

    /// `z = a·Wᵀ + b` for every row `a` of `activations`.
    static func weightedInput(_ layer: DenseLayer, _ activations: Matrix<Scalar>) -> Matrix<Scalar> {
        let weights = Matrix(rows: layer.outputSize, columns: layer.inputSize, elements: layer.weights)
        var z = activations.multiplied(by: weights, transposingOther: true)
        z.elements.withUnsafeMutableBufferPointer { values in
            layer.biases.withUnsafeBufferPointer { biases in
                var start = 0
                while start < values.count {
                    for column in 0..<biases.count { values[start + column] += biases[column] }
                    start += biases.count
                }
            }
        }
        return z
    }
}
