import Dispatch
import FNNData
import FNNMath
import FNNModel

/// Runs a model over many images in batches, in the precision its parameters call for:
/// binary64 when any tensor is stored as `f64`, binary32 otherwise. Whatever the caller
/// (evaluate's dataset, predict's and watch's decoded files), the images go through the
/// one forward pass, `PixelNetwork`.
public struct Classifier: Sendable {
    private enum Engine: Sendable {
        case single(PixelNetwork<Float>)
        case double(PixelNetwork<Double>)
        /// A model without layers computes nothing.
        case none
    }

    private let engine: Engine
    public let model: Model

    public init(_ model: Model) {
        self.model = model
        let contract = model.metadata.inputContract
        if model.layers.isEmpty {
            engine = .none
        } else if model.numberTypes.contains(.f64) {
            engine = .double(PixelNetwork(DenseNetwork(model), contract: contract))
        } else {
            engine = .single(PixelNetwork(DenseNetwork(model), contract: contract))
        }
    }

    /// Whether the network computes in binary64.
    public var usesDoublePrecision: Bool {
        if case .double = engine { return true }
        return false
    }

    /// The output activations for images `range` of `pixels` (`inputSize` bytes each), in
    /// binary64 whatever the precision computed in.
    func outputRows(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [[Double]] {
        switch engine {
        case .single(let network):
            let result = network.forward(pixels, range)
            return (0..<result.rows).map { result.row($0).map(Double.init) }
        case .double(let network):
            let result = network.forward(pixels, range)
            return (0..<result.rows).map { Array(result.row($0)) }
        case .none:
            return range.map { _ in [] }
        }
    }

    /// Each image's class, or -1 for an image with a NaN or infinite output.
    func classes(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int] {
        switch engine {
        case .single(let network): network.classes(pixels, range)
        case .double(let network): network.classes(pixels, range)
        case .none: range.map { _ in -1 }
        }
    }

    /// The output activations for a batch of images from a dataset.
    public func outputs(_ dataset: MNISTDataset, _ range: Range<Int>) -> [[Double]] {
        dataset.pixels.withUnsafeBufferPointer { outputRows($0, range) }
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
        let step = PixelNetwork<Float>.batchSize
        while start < dataset.count {
            let end = min(start + batchSize, dataset.count)
            dataset.pixels.withUnsafeBufferPointer { pixels in
                for batch in stride(from: start, to: end, by: step) {
                    predictions += classes(pixels, batch..<min(batch + step, end))
                }
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

    /// Class probabilities for images in the model's input form (`count` of them, one
    /// after another in `pixels`, `inputSize` bytes each), scaled by the model's input
    /// contract. Softmax outputs are probabilities already; other outputs are divided by
    /// their sum.
    public func probabilities(pixels: [UInt8], count: Int, threads: Int = 1) -> [[Double]] {
        let size = model.inputSize
        precondition(pixels.count == count * size, "pixels do not match the count")
        let softmax = model.layers.last?.activation == .softmax
        let batchSize = PixelNetwork<Float>.batchSize
        let batches = stride(from: 0, to: count, by: batchSize).map { $0..<min($0 + batchSize, count) }
        var result = [[Double]](repeating: [], count: count)
        let run: @Sendable (Range<Int>) -> [[Double]] = { range in
            pixels.withUnsafeBufferPointer { self.outputRows($0, range) }.map { row in
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
