import FNNData
import Dispatch
import FNNMath
import FNNModel

/// Runs each mini-batch through backpropagation, split into shards that run on separate
/// threads (each with single-threaded BLAS) when the batch is large enough to gain from
/// it. Shard `i` always takes the same rows of the batch, so a thread count gives the
/// same result every time.
struct BatchRunner<Scalar: NetworkScalar>: Sendable {
    /// Shards for a full batch, and for the shorter last batch of an epoch.
    private var full: [Backpropagation<Scalar>]
    private var last: [Backpropagation<Scalar>]
    let batchSize: Int
    /// The network input for each pixel intensity.
    let table: [Scalar]

    /// Below this many samples per shard, splitting costs more than it saves.
    static var minimumShardSize: Int { 32 }

    init(network: TrainingNetwork<Scalar>, batchSize: Int, remainder: Int, threads: Int, contract: InputContract) {
        self.batchSize = batchSize
        table = contract.table(Scalar.self)
        func shards(_ size: Int) -> [Backpropagation<Scalar>] {
            guard size > 0 else { return [] }
            let count = max(1, min(threads, size / Self.minimumShardSize))
            return (0..<count).map { shard in
                let rows = size / count + (shard < size % count ? 1 : 0)
                return Backpropagation(network: network, batchSize: rows)
            }
        }
        full = shards(batchSize)
        last = shards(remainder)
    }

    /// Whether the batches run on more than one thread (BLAS should then use one).
    var isParallel: Bool { full.count > 1 }

    /// The threads BLAS should use: one when the shards run in parallel or the products
    /// are too small for threads to pay off (measured: a [784, 100, 10] batch of 10 runs
    /// 30 % slower on two BLAS threads than on one).
    func blasThreads(_ threads: Int, parameters: Int) -> Int {
        isParallel || batchSize * parameters < 4_000_000 ? 1 : threads
    }

    /// Fills, runs and applies one batch.
    ///
    /// - Returns: the summed cost and the number of correct predictions.
    mutating func step(
        _ network: inout TrainingNetwork<Scalar>, optimizer: inout SGD<Scalar>, data: TrainingData,
        indices: ArraySlice<Int>, cost: Cost, shift: Int, augmentation: Augmentation? = nil, random: SplitMix64,
        learningRate: Scalar
    ) -> (cost: Double, correct: Int) {
        // Take the buffers out (rather than copy them) so writing to them copies nothing.
        let isFull = indices.count == batchSize
        var shards: [Backpropagation<Scalar>] = []
        if isFull { swap(&shards, &full) } else { swap(&shards, &last) }
        defer { if isFull { swap(&shards, &full) } else { swap(&shards, &last) } }
        let starts = shards.reduce(into: [indices.startIndex]) { $0.append(($0.last ?? 0) + $1.batchSize) }
        let labels = data.dataset.labels
        let table = self.table
        var results = [(cost: Double, correct: Int)](repeating: (0, 0), count: shards.count)
        let current = network
        let work: @Sendable (Int, inout Backpropagation<Scalar>) -> (Double, Int) = { shard, backpropagation in
            let rows = indices[starts[shard]..<starts[shard + 1]]
            var generator = SplitMix64(seed: random.seed(for: shard))
            // Distortions are made here, on the shard's own thread.
            var scratch = shift > 0 || augmentation != nil ? [UInt8](repeating: 0, count: rows.count * data.dataset.pixelsPerImage) : []
            data.load(
                rows, into: &backpropagation, shift: shift, augmentation: augmentation, random: &generator, table: table,
                scratch: &scratch)
            return backpropagation.run(current, labels: rows.map { Int(labels[$0]) }, cost: cost)
        }
        if shards.count == 1 {
            results[0] = work(0, &shards[0])
        } else {
            shards.withUnsafeMutableBufferPointer { buffer in
                results.withUnsafeMutableBufferPointer { outcomes in
                    // Each iteration touches only its own shard and result slot.
                    nonisolated(unsafe) let shardsBuffer = buffer
                    nonisolated(unsafe) let outcomesBuffer = outcomes
                    DispatchQueue.concurrentPerform(iterations: shardsBuffer.count) { shard in
                        outcomesBuffer[shard] = work(shard, &shardsBuffer[shard])
                    }
                }
            }
        }
        optimizer.step(&network, gradients: shards, batchSize: indices.count, learningRate: learningRate)
        return results.reduce((0, 0)) { ($0.0 + $1.cost, $0.1 + $1.correct) }
    }
}

extension SplitMix64 {
    /// A seed for one of several independent streams derived from this generator's state.
    func seed(for stream: Int) -> UInt64 {
        var copy = self
        var mixer = SplitMix64(seed: copy.next() ^ (UInt64(stream) &* 0x9E37_79B9_7F4A_7C15))
        return mixer.next()
    }
}
