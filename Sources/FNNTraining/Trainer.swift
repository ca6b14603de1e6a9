import FNNData
import FNNInference
import FNNMath
import FNNModel
import FNNSupport

/// Trains a network by mini-batch stochastic gradient descent and backpropagation, in
/// binary32 or binary64 (`precision`), with the products through BLAS.
///
/// The run is reproducible: the same configuration, data and thread count give the same
/// parameters bit for bit. Each epoch's shuffle and augmentation come from the seed and
/// the epoch number alone, so a resumed run continues exactly as an uninterrupted one.
package struct Trainer: Sendable {
    package var configuration: TrainingConfiguration

    package init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// What a run produced.
    package struct Result: Sendable {
        package var model: Model
        /// Whether `shouldStop` ended the run mid-epoch.
        package var interrupted: Bool
        /// Whether early stopping ended it.
        package var stoppedEarly: Bool
    }

    /// Trains.
    ///
    /// - Parameters:
    ///   - data: training and validation images.
    ///   - resuming: a model saved by an earlier run (its weights, optimiser state and
    ///     history), or `nil` to start from random weights.
    ///   - onEvent: progress reports.
    ///   - afterEpoch: called with the model after each epoch (for checkpoints).
    ///   - shouldStop: polled after every mini-batch; `true` ends the run after that batch.
    package func train(
        data: TrainingData, resuming: Model? = nil, onEvent: (TrainingEvent) -> Void = { _ in },
        afterEpoch: (Model) throws -> Void = { _ in }, shouldStop: () -> Bool = { false }
    ) rethrows -> Result {
        switch configuration.precision {
        case .f32:
            try train(Float.self, data, resuming, onEvent, afterEpoch, shouldStop)
        case .f64:
            try train(Double.self, data, resuming, onEvent, afterEpoch, shouldStop)
        }
    }

    private func train<Scalar: NetworkScalar>(
        _: Scalar.Type, _ data: TrainingData, _ resuming: Model?, _ onEvent: (TrainingEvent) -> Void,
        _ afterEpoch: (Model) throws -> Void, _ shouldStop: () -> Bool
    ) rethrows -> Result {
        let configuration = configuration
        var network: TrainingNetwork<Scalar>
        var history: [EpochRecord] = []
        var optimizer: SGD<Scalar>
        if let resuming {
            network = TrainingNetwork(DenseNetwork<Scalar>(resuming))
            history = resuming.history
            optimizer = SGD(
                network: network, momentum: Scalar(configuration.momentum), weightDecay: Scalar(configuration.weightDecay),
                trainingSetSize: data.trainingCount)
            if let state = resuming.optimizerState, configuration.momentum > 0 {
                optimizer.weightVelocities = state.map {
                    transposed($0.weightVelocity.values(as: Scalar.self), rows: $0.weightVelocity.rows, columns: $0.weightVelocity.columns)
                }
                optimizer.biasVelocities = state.map { $0.biasVelocity.values(as: Scalar.self) }
            }
        } else {
            var random = SplitMix64(seed: configuration.seed)
            network = TrainingNetwork(
                configuration.initialization.network(
                    sizes: configuration.layerSizes, hidden: configuration.hiddenActivation,
                    output: configuration.outputActivation, random: &random))
            optimizer = SGD(
                network: network, momentum: Scalar(configuration.momentum), weightDecay: Scalar(configuration.weightDecay),
                trainingSetSize: data.trainingCount)
        }

        let batchSize = configuration.batchSize
        var runner = BatchRunner<Scalar>(
            network: network, batchSize: batchSize, remainder: data.trainingCount % batchSize,
            threads: configuration.threads, contract: data.contract)
        let parameterCount = network.layers.reduce(0) { $0 + $1.weights.count + $1.biases.count }
        BLAS.setThreadCount(runner.blasThreads(configuration.threads, parameters: parameterCount))
        var best: (accuracy: Double, epoch: Int, network: TrainingNetwork<Scalar>)?
        var sinceBest = 0
        var interrupted = false
        var stoppedEarly = false
        let clock = ContinuousClock()

        epochs: for epoch in history.count..<configuration.epochs {
            let rate = configuration.learningRate(epoch: epoch)
            onEvent(.epochStarted(epoch: epoch + 1, of: configuration.epochs, learningRate: rate))
            let started = clock.now
            var shuffle = SplitMix64(seed: Self.mix(configuration.seed, epoch, salt: 1))
            var augment = SplitMix64(seed: Self.mix(configuration.seed, epoch, salt: 2))
            var order = Array(0..<data.trainingCount)
            order.shuffle(using: &shuffle)

            var totalCost = 0.0
            var correct = 0
            var done = 0
            let reportEvery = max(1, data.trainingCount / batchSize / 100)
            var batchNumber = 0
            for start in stride(from: 0, to: data.trainingCount, by: batchSize) {
                let indices = order[start..<min(start + batchSize, data.trainingCount)]
                let outcome = runner.step(
                    &network, optimizer: &optimizer, data: data, indices: indices, cost: configuration.cost,
                    shift: configuration.augmentShift, augmentation: configuration.augmentation, random: augment,
                    learningRate: Scalar(rate))
                _ = augment.next()
                totalCost += outcome.cost
                correct += outcome.correct
                done += indices.count
                batchNumber += 1
                if batchNumber % reportEvery == 0 {
                    onEvent(.progress(epoch: epoch + 1, samplesDone: done, samplesTotal: data.trainingCount, cost: totalCost / Double(done)))
                }
                if shouldStop() {
                    interrupted = true
                    break epochs
                }
            }
            let elapsed = clock.now - started
            let validation = data.validationRange.isEmpty
                ? Double.nan : Self.accuracy(network.network, data.dataset, data.validationRange, data.contract)
            let record = EpochRecord(
                epoch: epoch + 1, trainingCost: totalCost / Double(max(done, 1)),
                trainingAccuracy: Double(correct) / Double(max(done, 1)), validationAccuracy: validation,
                learningRate: rate, seconds: elapsed.seconds)
            history.append(record)
            onEvent(.epochFinished(record))

            if configuration.earlyStopPatience > 0 {
                if best == nil || validation > best?.accuracy ?? 0 {
                    best = (validation, epoch + 1, network)
                    sinceBest = 0
                } else {
                    sinceBest += 1
                }
            }
            let stopNow = configuration.earlyStopPatience > 0 && sinceBest >= configuration.earlyStopPatience
            if stopNow, let best {
                network = best.network
                stoppedEarly = true
                onEvent(.stoppedEarly(bestEpoch: best.epoch))
            }
            try afterEpoch(model(network, optimizer, history, data))
            if stopNow { break }
        }
        return Result(model: model(network, optimizer, history, data), interrupted: interrupted, stoppedEarly: stoppedEarly)
    }

    /// A seed for one epoch's random stream, independent of the others.
    static func mix(_ seed: UInt64, _ epoch: Int, salt: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (salt &* 0xD6E8_FEB8_6659_FD93) ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        return generator.next()
    }

    /// The fraction of `range` that `network` classifies correctly.
    package static func accuracy<Scalar: NetworkScalar>(
        _ network: DenseNetwork<Scalar>, _ dataset: MNISTDataset, _ range: Range<Int>, _ contract: InputContract
    ) -> Double {
        // The same forward pass as evaluate, predict and watch.
        let pixelNetwork = PixelNetwork(network, contract: contract)
        var correct = 0
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for start in stride(from: range.lowerBound, to: range.upperBound, by: PixelNetwork<Scalar>.batchSize) {
                let batch = start..<min(start + PixelNetwork<Scalar>.batchSize, range.upperBound)
                for (offset, prediction) in pixelNetwork.classes(pixels, batch).enumerated()
                where prediction == Int(dataset.labels[batch.lowerBound + offset]) {
                    correct += 1
                }
            }
        }
        return range.isEmpty ? .nan : Double(correct) / Double(range.count)
    }

    /// The model file contents for the network as it stands.
    func model<Scalar: NetworkScalar>(
        _ training: TrainingNetwork<Scalar>, _ optimizer: SGD<Scalar>, _ history: [EpochRecord], _ data: TrainingData
    ) -> Model {
        let network = training.network
        let layers = network.layers.map { layer in
            Layer(
                activation: layer.activation, weights: Tensor.storing(rows: layer.outputSize, columns: layer.inputSize, layer.weights),
                biases: Tensor.storing(rows: layer.outputSize, columns: 1, layer.biases))
        }
        let optimizerState: [OptimizerLayerState]? =
            configuration.momentum > 0
            ? zip(network.layers, zip(optimizer.weightVelocities, optimizer.biasVelocities)).map { layer, velocities in
                OptimizerLayerState(
                    weightVelocity: Tensor.storing(
                        rows: layer.outputSize, columns: layer.inputSize,
                        transposed(velocities.0, rows: layer.inputSize, columns: layer.outputSize)),
                    biasVelocity: Tensor.storing(rows: layer.outputSize, columns: 1, velocities.1))
            }
            : nil
        let contract = data.contract
        let metadata = Metadata(
            labels: (0..<(configuration.layerSizes.last ?? 0)).map(String.init),
            inputWidth: data.dataset.columns, inputHeight: data.dataset.rows, inputLayout: contract.layout,
            inputScaleMinimum: contract.scaleMinimum, inputScaleMaximum: contract.scaleMaximum,
            creator: FNNVersion.creator, trainingDataSHA256: data.digest,
            validationAccuracy: data.validationRange.isEmpty
                ? nil : Self.accuracy(network, data.dataset, data.validationRange, contract))
        // Wall-clock seconds stay out of the file so that runs are byte-for-byte reproducible.
        let recordedHistory = history.map { record -> EpochRecord in
            var copy = record
            copy.seconds = 0
            return copy
        }
        return Model(
            layers: layers, cost: configuration.cost, hyperparameters: configuration.hyperparameters,
            metadata: metadata, history: recordedHistory, optimizerState: optimizerState)
    }
}
