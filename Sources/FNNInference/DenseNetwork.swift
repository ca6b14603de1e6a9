import FNNMath
import FNNModel

/// A network ready to compute: each layer's parameters decoded into `Scalar` arrays.
///
/// Built from a `Model`; every command that runs a network (evaluate, predict, watch,
/// train) uses its batched forward pass.
package struct DenseNetwork<Scalar: NetworkScalar>: Sendable {
    /// One layer's parameters.
    package struct DenseLayer: Sendable {
        package var activation: Activation
        package var inputSize: Int
        package var outputSize: Int
        /// `outputSize × inputSize`, row-major.
        package var weights: [Scalar]
        package var biases: [Scalar]

        package init(activation: Activation, inputSize: Int, outputSize: Int, weights: [Scalar], biases: [Scalar]) {
            self.activation = activation
            self.inputSize = inputSize
            self.outputSize = outputSize
            self.weights = weights
            self.biases = biases
        }
    }

    package var layers: [DenseLayer]

    package init(layers: [DenseLayer]) {
        self.layers = layers
    }

    /// Decodes a model's parameters into `Scalar`.
    package init(_ model: Model) {
        layers = model.layers.map { layer in
            DenseLayer(
                activation: layer.activation, inputSize: layer.inputSize,
                outputSize: layer.outputSize, weights: layer.weights.values(as: Scalar.self),
                biases: layer.biases.values(as: Scalar.self))
        }
    }

    package var inputSize: Int { layers.first?.inputSize ?? 0 }
    package var outputSize: Int { layers.last?.outputSize ?? 0 }

    /// Runs a batch through the network.
    ///
    /// - Parameter inputs: one sample per row, `inputSize` columns.
    /// - Returns: one row of `outputSize` activations per sample.
    /// - Complexity: O(samples × parameters), as one matrix product per layer.
    package func forward(_ inputs: Matrix<Scalar>) -> Matrix<Scalar> {
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
        var z = Matrix<Scalar>(rows: activations.rows, columns: layer.outputSize)
        weightedInput(layer, activations, into: &z)
        return z
    }

    /// `z = a·Wᵀ + b` for every row `a` of `activations`, into an existing matrix.
    ///
    /// - Complexity: O(rows × inputSize × outputSize), one BLAS product.
    static func weightedInput(_ layer: DenseLayer, _ activations: Matrix<Scalar>, into z: inout Matrix<Scalar>) {
        precondition(z.rows == activations.rows && z.columns == layer.outputSize, "output shape")
        activations.elements.withUnsafeBufferPointer { a in
            layer.weights.withUnsafeBufferPointer { w in
                layer.biases.withUnsafeBufferPointer { b in
                    z.elements.withUnsafeMutableBufferPointer { out in
                        affineProduct(a, rows: activations.rows, inner: layer.inputSize, weights: w, transposed: true, biases: b, into: out)
                    }
                }
            }
        }
    }
}
