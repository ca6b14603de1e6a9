/// A feed-forward network with everything a model file records about it.
///
/// This is the document form: tensors keep the number type they are stored as. For
/// computation, build a `DenseNetwork` from it.
public struct Model: Sendable, Equatable {
    public var layers: [Layer]
    public var cost: Cost
    public var hyperparameters: Hyperparameters
    public var metadata: Metadata
    public var history: [EpochRecord]
    /// Momentum velocities per layer, when the model was saved mid-training.
    public var optimizerState: [OptimizerLayerState]?
    /// Ancillary chunks of types this version of fnn does not know, in file order.
    public var unknownChunks: [RawChunk]

    public init(
        layers: [Layer], cost: Cost, hyperparameters: Hyperparameters = Hyperparameters(),
        metadata: Metadata = Metadata(), history: [EpochRecord] = [],
        optimizerState: [OptimizerLayerState]? = nil, unknownChunks: [RawChunk] = []
    ) {
        self.layers = layers
        self.cost = cost
        self.hyperparameters = hyperparameters
        self.metadata = metadata
        self.history = history
        self.optimizerState = optimizerState
        self.unknownChunks = unknownChunks
    }

    /// The length of the input vector.
    public var inputSize: Int { layers.first?.inputSize ?? 0 }
    /// The number of outputs (classes).
    public var outputSize: Int { layers.last?.outputSize ?? 0 }
    /// Layer sizes from input to output, as in `[784, 30, 10]`.
    public var sizes: [Int] { [inputSize] + layers.map(\.outputSize) }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// The number types used by the parameter tensors, without repeats, in layer order.
    public var numberTypes: [NumberType] {
        var seen: [NumberType] = []
        for layer in layers {
            for type in [layer.weights.numberType, layer.biases.numberType] where !seen.contains(type) {
                seen.append(type)
            }
        }
        return seen
    }

    /// This model with every parameter tensor stored as `type`.
    ///
    /// - Throws: `ModelConversionError` naming the layers whose values do not fit `type`.
    public func converted(to type: NumberType) throws(ModelConversionError) -> Model {
        var copy = self
        var problems: [String] = []
        copy.layers = layers.enumerated().map { index, layer in
            func convert(_ tensor: Tensor, _ name: String) -> Tensor {
                do {
                    return try tensor.converted(to: type)
                } catch {
                    problems.append("the \(name) of layer \(index + 1): \(error)")
                    return tensor
                }
            }
            return Layer(
                activation: layer.activation, weights: convert(layer.weights, "weights"),
                biases: convert(layer.biases, "biases"))
        }
        guard problems.isEmpty else { throw ModelConversionError(problems: problems, target: type.rawValue) }
        return copy
    }

    /// The largest absolute difference between corresponding parameters of two models of
    /// the same shape.
    public func largestParameterChange(from other: Model) -> Double {
        var largest = 0.0
        for (mine, theirs) in zip(layers, other.layers) {
            for (a, b) in [(mine.weights, theirs.weights), (mine.biases, theirs.biases)] {
                for (x, y) in zip(a.doubles(), b.doubles()) {
                    largest = max(largest, (x - y).magnitude)
                }
            }
        }
        return largest
    }
}
