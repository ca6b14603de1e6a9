/// What one training epoch achieved.
public struct EpochRecord: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    public var trainingCost: Double
    public var trainingAccuracy: Double
    /// NaN when there was no validation set.
    public var validationAccuracy: Double
    public var learningRate: Double
    public var seconds: Double

    public init(
        epoch: Int, trainingCost: Double, trainingAccuracy: Double,
        validationAccuracy: Double, learningRate: Double, seconds: Double
    ) {
        self.epoch = epoch
        self.trainingCost = trainingCost
        self.trainingAccuracy = trainingAccuracy
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.seconds = seconds
    }

    /// Compares NaN validation accuracies as equal, so histories round-trip.
    public static func == (lhs: EpochRecord, rhs: EpochRecord) -> Bool {
        func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
        return lhs.epoch == rhs.epoch && same(lhs.trainingCost, rhs.trainingCost)
            && same(lhs.trainingAccuracy, rhs.trainingAccuracy)
            && same(lhs.validationAccuracy, rhs.validationAccuracy)
            && same(lhs.learningRate, rhs.learningRate) && same(lhs.seconds, rhs.seconds)
    }
}

/// The optimiser's per-layer state (momentum velocities), saved so training can resume.
public struct OptimizerLayerState: Sendable, Equatable {
    public var weightVelocity: Tensor
    public var biasVelocity: Tensor

    public init(weightVelocity: Tensor, biasVelocity: Tensor) {
        self.weightVelocity = weightVelocity
        self.biasVelocity = biasVelocity
    }
}

/// A chunk this version of fnn does not understand, kept so tools can write it back.
public struct RawChunk: Sendable, Equatable {
    /// Four ASCII letters; lower-case first letter (ancillary) for every kept chunk.
    public var type: String
    public var data: [UInt8]

    public init(type: String, data: [UInt8]) {
        self.type = type
        self.data = data
    }
}
