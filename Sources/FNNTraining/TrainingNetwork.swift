import FNNInference
import FNNMath
import FNNModel

/// A network's parameters while it trains.
///
/// Each layer's weights are stored transposed, `inputSize × outputSize` (one row of
/// outgoing weights per input neuron), unlike a model file's `outputSize × inputSize`.
/// That way the rows belonging to the input pixels a mini-batch actually uses are
/// contiguous: they are gathered for the products and updated in place, and the pixels
/// that are background in every image of the batch cost nothing but their weight decay.
package struct TrainingNetwork<Scalar: NetworkScalar>: Sendable {
    package struct TrainingLayer: Sendable {
        package var activation: Activation
        package var inputSize: Int
        package var outputSize: Int
        /// `inputSize × outputSize`, row-major: row `i` holds the weights out of input `i`.
        package var weights: [Scalar]
        package var biases: [Scalar]
    }

    package var layers: [TrainingLayer]

    /// Takes a network's parameters, transposing the weights.
    package init(_ network: DenseNetwork<Scalar>) {
        layers = network.layers.map { layer in
            TrainingLayer(
                activation: layer.activation, inputSize: layer.inputSize, outputSize: layer.outputSize,
                weights: transposed(layer.weights, rows: layer.outputSize, columns: layer.inputSize),
                biases: layer.biases)
        }
    }

    /// The parameters as a `DenseNetwork` (weights back to `outputSize × inputSize`).
    package var network: DenseNetwork<Scalar> {
        DenseNetwork(
            layers: layers.map { layer in
                DenseNetwork.DenseLayer(
                    activation: layer.activation, inputSize: layer.inputSize, outputSize: layer.outputSize,
                    weights: transposed(layer.weights, rows: layer.inputSize, columns: layer.outputSize),
                    biases: layer.biases)
            })
    }

    package var inputSize: Int { layers.first?.inputSize ?? 0 }
}
