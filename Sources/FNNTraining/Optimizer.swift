import FNNMath

/// Updates a network's parameters from the gradients of one mini-batch.
package protocol Optimizer<Scalar>: Sendable {
    associatedtype Scalar: NetworkScalar

    /// Applies one step.
    ///
    /// - Parameters:
    ///   - gradients: `∂C/∂W` and `∂C/∂b` of the batch, in one or more shards whose
    ///     gradients add up to the batch's.
    ///   - batchSize: the number of samples summed (m).
    ///   - learningRate: η for this step.
    mutating func step(
        _ network: inout TrainingNetwork<Scalar>, gradients: [Backpropagation<Scalar>], batchSize: Int,
        learningRate: Scalar)
}
