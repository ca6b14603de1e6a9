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
