/// The optimiser's per-layer state (momentum velocities), saved so training can resume.
public struct OptimizerLayerState: Sendable, Equatable {
    public var weightVelocity: Tensor
    public var biasVelocity: Tensor

    public init(weightVelocity: Tensor, biasVelocity: Tensor) {
        self.weightVelocity = weightVelocity
        self.biasVelocity = biasVelocity
    }
}
