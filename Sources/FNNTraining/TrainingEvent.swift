import FNNModel

/// What a training run reports as it goes.
package enum TrainingEvent: Sendable {
    /// An epoch (1-based) begins with this learning rate.
    case epochStarted(epoch: Int, of: Int, learningRate: Double)
    /// Some mini-batches of the epoch are done; `cost` is the mean cost so far.
    case progress(epoch: Int, samplesDone: Int, samplesTotal: Int, cost: Double)
    case epochFinished(EpochRecord)
    /// Validation accuracy has not improved for the patience; the best epoch's weights are kept.
    case stoppedEarly(bestEpoch: Int)
}
