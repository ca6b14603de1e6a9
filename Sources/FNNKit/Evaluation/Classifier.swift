/// Runs a model over many inputs in batches, in the precision its parameters call for:
/// binary64 when any tensor is stored as `f64`, binary32 otherwise.
public struct Classifier: Sendable {
    private enum Engine: Sendable {
        case single(DenseNetwork<Float>)
        case double(DenseNetwork<Double>)
    }

    private let engine: Engine
    public let model: Model

    public init(_ model: Model) {
        self.model = model
        engine = model.numberTypes.contains(.f64) ? .double(DenseNetwork(model)) : .single(DenseNetwork(model))
    }

    /// Whether the network computes in binary64.
    public var usesDoublePrecision: Bool {
        if case .double = engine { return true }
        return false
    }

    /// The output activations for a batch of images from a dataset.
    public func outputs(_ dataset: MNISTDataset, _ range: Range<Int>) -> [[Double]] {
        let contract = model.metadata.inputContract
        switch engine {
        case .single(let network):
            let result = network.forward(dataset.inputs(range, contract: contract, as: Float.self))
            return (0..<result.rows).map { result.row($0).map(Double.init) }
        case .double(let network):
            let result = network.forward(dataset.inputs(range, contract: contract, as: Double.self))
            return (0..<result.rows).map { Array(result.row($0)) }
        }
    }

    /// The predicted class of each image in a dataset.
    ///
    /// - Parameter progress: called with the number of images done after each batch.
    public func predictions(
        _ dataset: MNISTDataset, batchSize: Int = 1000, progress: (Int) -> Void = { _ in }
    ) -> [Int] {
        var predictions: [Int] = []
        predictions.reserveCapacity(dataset.count)
        var start = 0
        let contract = model.metadata.inputContract
        while start < dataset.count {
            let end = min(start + batchSize, dataset.count)
            switch engine {
            case .single(let network):
                predictions += network.forward(dataset.inputs(start..<end, contract: contract, as: Float.self)).argmaxPerRow()
            case .double(let network):
                predictions += network.forward(dataset.inputs(start..<end, contract: contract, as: Double.self)).argmaxPerRow()
            }
            start = end
            progress(start)
        }
        return predictions
    }
}
