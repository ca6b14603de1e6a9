import FNNMath

/// Stochastic gradient descent with optional momentum and L2 weight decay.
///
/// With velocity `v` (zero at the start), each step does, per weight,
/// `v ← μ·v − η·(∂C/∂w / m + (λ/n)·w)` and `w ← w + v`; biases get no decay. With μ = 0 this
/// is network2.py's rule `w ← (1 − ηλ/n)·w − (η/m)·∂C/∂w`.
package struct SGD<Scalar: NetworkScalar>: Optimizer {
    package var momentum: Scalar
    /// λ.
    package var weightDecay: Scalar
    /// n, the training set size that scales λ.
    package var trainingSetSize: Int
    /// Velocities per layer, laid out like the layer's parameters.
    package var weightVelocities: [[Scalar]]
    package var biasVelocities: [[Scalar]]

    package init(network: TrainingNetwork<Scalar>, momentum: Scalar, weightDecay: Scalar, trainingSetSize: Int) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.trainingSetSize = trainingSetSize
        weightVelocities = network.layers.map { [Scalar](repeating: 0, count: momentum > 0 ? $0.weights.count : 0) }
        biasVelocities = network.layers.map { [Scalar](repeating: 0, count: momentum > 0 ? $0.biases.count : 0) }
    }

    package mutating func step(
        _ network: inout TrainingNetwork<Scalar>, gradients: [Backpropagation<Scalar>], batchSize: Int,
        learningRate: Scalar
    ) {
        let gradientScale = learningRate / Scalar(batchSize)
        let decay = learningRate * weightDecay / Scalar(trainingSetSize)
        for index in network.layers.indices {
            let outputs = network.layers[index].outputSize
            stepWeights(
                &network.layers[index].weights, &weightVelocities[index], index: index, gradients: gradients,
                width: outputs, gradientScale: gradientScale, decay: decay)
            stepBiases(&network.layers[index].biases, &biasVelocities[index], index: index, gradients: gradients, gradientScale)
        }
    }

    /// Updates `Wᵀ`: every weight decays (and its velocity moves), then the rows each
    /// shard has a gradient for take it (the input layer's gradients are compact, naming
    /// their rows in `activeInputs`).
    private func stepWeights(
        _ weights: inout [Scalar], _ velocities: inout [Scalar], index: Int, gradients: [Backpropagation<Scalar>],
        width: Int, gradientScale: Scalar, decay: Scalar
    ) {
        let mu = momentum
        let keep = 1 - decay
        weights.withUnsafeMutableBufferPointer { w in
            velocities.withUnsafeMutableBufferPointer { v in
                let count = w.count
                if mu == 0 {
                    if decay != 0 { for i in 0..<count { w[i] *= keep } }
                } else {
                    for i in 0..<count { v[i] = mu * v[i] - decay * w[i] }
                }
                // Plain SGD moves the weights, momentum the velocities.
                let target = mu == 0 ? w : v
                for shard in gradients {
                    shard.weightGradients[index].withUnsafeBufferPointer { g in
                        func apply(row: Int, gradientRow: Int) {
                            let into = row &* width
                            let from = gradientRow &* width
                            for column in 0..<width { target[into &+ column] -= gradientScale * g[from &+ column] }
                        }
                        if index == 0 {
                            for (position, row) in shard.activeInputs.enumerated() { apply(row: row, gradientRow: position) }
                        } else {
                            for row in 0..<(count / max(width, 1)) { apply(row: row, gradientRow: row) }
                        }
                    }
                }
                if mu != 0 {
                    for i in 0..<count { w[i] += v[i] }
                }
            }
        }
    }

    private func stepBiases(
        _ biases: inout [Scalar], _ velocities: inout [Scalar], index: Int, gradients: [Backpropagation<Scalar>],
        _ gradientScale: Scalar
    ) {
        let mu = momentum
        biases.withUnsafeMutableBufferPointer { b in
            velocities.withUnsafeMutableBufferPointer { v in
                if mu != 0 { for i in 0..<b.count { v[i] *= mu } }
                let target = mu == 0 ? b : v
                for shard in gradients {
                    shard.biasGradients[index].withUnsafeBufferPointer { g in
                        for i in 0..<b.count { target[i] -= gradientScale * g[i] }
                    }
                }
                if mu != 0 { for i in 0..<b.count { b[i] += v[i] } }
            }
        }
    }
}
