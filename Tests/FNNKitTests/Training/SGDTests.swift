import FNNKit
import Testing

/// One step of SGD against network2.py's update rule, written out by hand.
@Suite struct SGDTests {
    static func setup() -> (DenseNetwork<Double>, TrainingNetwork<Double>, Backpropagation<Double>) {
        var random = SplitMix64(seed: 5)
        let network: DenseNetwork<Double> = Initialization.scaledNormal.network(
            sizes: [3, 2, 2], hidden: .sigmoid, output: .sigmoid, random: &random)
        let training = TrainingNetwork(network)
        var backpropagation = Backpropagation(network: training, batchSize: 2)
        backpropagation.withInput { $0.elements = [0.5, 0, 1, 0.25, 0, 0.75] }
        backpropagation.run(training, labels: [1, 0], cost: .crossEntropy)
        return (network, training, backpropagation)
    }

    @Test func plainStepIsNetwork2sRule() {
        let (network, original, gradients) = Self.setup()
        var training = original
        var sgd = SGD(network: training, momentum: 0, weightDecay: 5, trainingSetSize: 100)
        sgd.step(&training, gradients: [gradients], batchSize: 2, learningRate: 0.5)
        let updated = training.network
        for index in network.layers.indices {
            let g = gradients.weightGradient(layer: index, of: original)
            for (element, w) in network.layers[index].weights.enumerated() {
                let expected = (1 - 0.5 * 5 / 100) * w - 0.5 / 2 * g[element]
                #expect(abs(updated.layers[index].weights[element] - expected) < 1e-15)
            }
            for (element, b) in network.layers[index].biases.enumerated() {
                let expected = b - 0.5 / 2 * gradients.biasGradients[index][element]
                #expect(abs(updated.layers[index].biases[element] - expected) < 1e-15)
            }
        }
    }

    @Test func momentumAccumulatesVelocity() {
        let (network, original, gradients) = Self.setup()
        var training = original
        var sgd = SGD(network: training, momentum: 0.9, weightDecay: 0, trainingSetSize: 100)
        sgd.step(&training, gradients: [gradients], batchSize: 2, learningRate: 0.1)
        sgd.step(&training, gradients: [gradients], batchSize: 2, learningRate: 0.1)
        // Same gradient twice: v1 = −ηg/m, v2 = 0.9·v1 − ηg/m, w = w0 + v1 + v2.
        let g = gradients.weightGradient(layer: 1, of: original)
        for (element, w) in network.layers[1].weights.enumerated() {
            let v1 = -0.1 / 2 * g[element]
            let expected = w + v1 + (0.9 * v1 + v1)
            #expect(abs(training.network.layers[1].weights[element] - expected) < 1e-15)
        }
    }

    @Test func shardsAddUpToTheWholeBatch() {
        var random = SplitMix64(seed: 8)
        let network: DenseNetwork<Double> = Initialization.he.network(
            sizes: [4, 3, 2], hidden: .relu, output: .softmax, random: &random)
        let training = TrainingNetwork(network)
        let inputs: [Double] = [0.1, 0, 0.3, 0.9, 0, 0, 0.5, 0.2, 0.7, 0, 0, 0.4, 0.6, 0.8, 0, 0.1]
        let labels = [0, 1, 1, 0]
        var whole = Backpropagation(network: training, batchSize: 4)
        whole.withInput { $0.elements = inputs }
        whole.run(training, labels: labels, cost: .crossEntropy)
        var first = Backpropagation(network: training, batchSize: 2)
        first.withInput { $0.elements = Array(inputs[0..<8]) }
        first.run(training, labels: [0, 1], cost: .crossEntropy)
        var second = Backpropagation(network: training, batchSize: 2)
        second.withInput { $0.elements = Array(inputs[8...]) }
        second.run(training, labels: [1, 0], cost: .crossEntropy)
        var a = training
        var b = training
        var sgdA = SGD(network: a, momentum: 0.5, weightDecay: 1, trainingSetSize: 10)
        var sgdB = SGD(network: b, momentum: 0.5, weightDecay: 1, trainingSetSize: 10)
        sgdA.step(&a, gradients: [whole], batchSize: 4, learningRate: 0.3)
        sgdB.step(&b, gradients: [first, second], batchSize: 4, learningRate: 0.3)
        for (x, y) in zip(a.layers, b.layers) {
            for (p, q) in zip(x.weights, y.weights) { #expect(abs(p - q) < 1e-14) }
            for (p, q) in zip(x.biases, y.biases) { #expect(abs(p - q) < 1e-14) }
        }
    }
}
