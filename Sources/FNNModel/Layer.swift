/// One weight layer: `a' = activation(W·a + b)`.
public struct Layer: Sendable, Equatable {
    public var activation: Activation
    /// `outputSize × inputSize`, row-major: row `j` holds the weights into neuron `j`.
    public var weights: Tensor
    /// `outputSize × 1`.
    public var biases: Tensor

    public init(activation: Activation, weights: Tensor, biases: Tensor) {
        self.activation = activation
        self.weights = weights
        self.biases = biases
    }

    public var inputSize: Int { weights.columns }
    public var outputSize: Int { weights.rows }

    /// The number of weights and biases.
    public var parameterCount: Int { weights.elementCount + biases.elementCount }
}
