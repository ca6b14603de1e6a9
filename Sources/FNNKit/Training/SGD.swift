/// Stochastic gradient descent with optional momentum and L2 weight decay.
///
/// With velocity `v` (zero at the start), each step does, per weight,
/// `v ← μ·v − η·(∂C/∂w / m + (λ/n)·w)` and `w ← w + v`; biases get no decay. With μ = 0 this
/// is network2.py's rule `w ← (1 − ηλ/n)·w − (η/m)·∂C/∂w`.
public struct SGD<Scalar: NetworkScalar>: Optimizer {
    public var momentum: Scalar
    /// λ.
    public var weightDecay: Scalar
    /// n, the training set size that scales λ.
    public var trainingSetSize: Int
    /// Velocities per layer (empty when momentum is 0).
    public var weightVelocities: [[Scalar]]
    public var biasVelocities: [[Scalar]]

    public init(network: DenseNetwork<Scalar>, momentum: Scalar, weightDecay: Scalar, trainingSetSize: Int) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.trainingSetSize = trainingSetSize
        weightVelocities = network.layers.map { [Scalar](repeating: 0, count: $0.weights.count) }
        biasVelocities = network.layers.map { [Scalar](repeating: 0, count: $0.biases.count) }
    }

    public mutating func step(
        _ network: inout DenseNetwork<Scalar>, gradients: Backpropagation<Scalar>, batchSize: Int,
        learningRate: Scalar
    ) {
        let gradientScale = learningRate / Scalar(batchSize)
        let decay = learningRate * weightDecay / Scalar(trainingSetSize)
        let mu = momentum
        for index in network.layers.indices {
            network.layers[index].weights.withUnsafeMutableBufferPointer { w in
                gradients.weightGradients[index].withUnsafeBufferPointer { g in
                    weightVelocities[index].withUnsafeMutableBufferPointer { v in
                        if mu == 0 {
                            let keep = 1 - decay
                            for i in w.indices { w[i] = keep * w[i] - gradientScale * g[i] }
                        } else {
                            for i in w.indices {
                                let velocity = mu * v[i] - gradientScale * g[i] - decay * w[i]
                                v[i] = velocity
                                w[i] += velocity
                            }
                        }
                    }
                }
            }
            network.layers[index].biases.withUnsafeMutableBufferPointer { b in
                gradients.biasGradients[index].withUnsafeBufferPointer { g in
                    biasVelocities[index].withUnsafeMutableBufferPointer { v in
                        if mu == 0 {
                            for i in b.indices { b[i] -= gradientScale * g[i] }
                        } else {
                            for i in b.indices {
                                let velocity = mu * v[i] - gradientScale * g[i]
                                v[i] = velocity
                                b[i] += velocity
                            }
                        }
                    }
                }
            }
        }
    }
}
