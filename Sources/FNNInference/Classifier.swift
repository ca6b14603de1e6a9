import Dispatch
import FNNData
import FNNMath
import FNNModel

/// Runs a model over many inputs in batches, in the precision its parameters call for:
/// binary64 when any tensor is stored as `f64`, binary32 otherwise.
public struct Classifier: Sendable {
    private enum Engine: Sendable {
        case single(DenseNetwork<Float>)
        case double(DenseNetwork<Double>)
    }

    private let engine: Engine
    public let model: Model
    /// The binary32 network that reads 8-bit digits directly, built once.
    private let pixelNetwork: PixelNetwork?

    public init(_ model: Model) {
        self.model = model
        engine = model.numberTypes.contains(.f64) ? .double(DenseNetwork(model)) : .single(DenseNetwork(model))
        if case .single(let network) = engine, !network.layers.isEmpty {
            pixelNetwork = PixelNetwork(network, contract: model.metadata.inputContract)
        } else {
            pixelNetwork = nil
        }
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

    /// The predicted class of each image in a dataset; -1 for an image whose outputs are
    /// not all finite (a model whose parameters overflow in use).
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
                predictions += Self.classes(network.forward(dataset.inputs(start..<end, contract: contract, as: Float.self)))
            case .double(let network):
                predictions += Self.classes(network.forward(dataset.inputs(start..<end, contract: contract, as: Double.self)))
            }
            start = end
            progress(start)
        }
        return predictions
    }
}

extension Classifier {
    /// Each row's class, or -1 for a row with a NaN or infinite output.
    static func classes<Scalar: NetworkScalar>(_ outputs: Matrix<Scalar>) -> [Int] {
        let best = outputs.argmaxPerRow()
        return best.indices.map { row in
            outputs.row(row).allSatisfy(\.isFinite) ? best[row] : -1
        }
    }

    /// Class probabilities for 28 × 28 digits in MNIST's form (`count` of them, one after
    /// another in `pixels`), scaled by the model's input contract. Softmax outputs are
    /// probabilities already; other outputs are divided by their sum.
    public func probabilities(pixels: [UInt8], count: Int, threads: Int = 1) -> [[Double]] {
        let size = model.inputSize
        precondition(pixels.count == count * size, "pixels do not match the count")
        let softmax = model.layers.last?.activation == .softmax
        let batchSize = PixelNetwork.batchSize
        let batches = stride(from: 0, to: count, by: batchSize).map { $0..<min($0 + batchSize, count) }
        var result = [[Double]](repeating: [], count: count)
        let pixelNetwork = pixelNetwork
        let run: @Sendable (Range<Int>) -> [[Double]] = { range in
            let rows: [[Double]]
            if let pixelNetwork {
                let output = pixels.withUnsafeBufferPointer { pixelNetwork.forward($0, range) }
                rows = (0..<output.rows).map { output.row($0).map(Double.init) }
            } else {
                let dataset = MNISTDataset(
                    count: count, rows: 1, columns: size, pixels: pixels, labels: [UInt8](repeating: 0, count: count))
                rows = self.outputs(dataset, range)
            }
            return rows.map { row in
                let sum = row.reduce(0, +)
                return softmax || sum <= 0 ? row : row.map { $0 / sum }
            }
        }
        guard threads > 1, batches.count > 1 else {
            for range in batches { result.replaceSubrange(range, with: run(range)) }
            return result
        }
        // Batches on fnn's own threads, each product single-threaded: BLAS's own thread pool
        // would spin between products and take the cores from the rest of the work.
        BLAS.useSingleThread()
        result.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: min(threads, batches.count)) { worker in
                var index = worker
                while index < batches.count {
                    let range = batches[index]
                    for (offset, row) in run(range).enumerated() { slots[range.lowerBound + offset] = row }
                    index += threads
                }
            }
        }
        return result
    }
}
