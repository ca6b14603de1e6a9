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
public struct TrainingNetwork<Scalar: NetworkScalar>: Sendable {
    public struct TrainingLayer: Sendable {
        public var activation: Activation
        public var inputSize: Int
        public var outputSize: Int
        /// `inputSize × outputSize`, row-major: row `i` holds the weights out of input `i`.
        public var weights: [Scalar]
        public var biases: [Scalar]
    }

    public var layers: [TrainingLayer]

    /// Takes a network's parameters, transposing the weights.
    public init(_ network: DenseNetwork<Scalar>) {
        layers = network.layers.map { layer in
            TrainingLayer(
                activation: layer.activation, inputSize: layer.inputSize, outputSize: layer.outputSize,
                weights: transposed(layer.weights, rows: layer.outputSize, columns: layer.inputSize),
                biases: layer.biases)
        }
    }

    /// The parameters as a `DenseNetwork` (weights back to `outputSize × inputSize`).
    public var network: DenseNetwork<Scalar> {
        DenseNetwork(
            layers: layers.map { layer in
                DenseNetwork.DenseLayer(
                    activation: layer.activation, inputSize: layer.inputSize, outputSize: layer.outputSize,
                    weights: transposed(layer.weights, rows: layer.inputSize, columns: layer.outputSize),
                    biases: layer.biases)
            })
    }

    public var inputSize: Int { layers.first?.inputSize ?? 0 }
}
