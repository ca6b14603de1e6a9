import FNNKit
import Testing

/// Backpropagation's gradients against central finite differences of the cost, in
/// binary64, for every hidden activation × cost × output activation.
@Suite struct GradientCheckTests {
    struct Case: Sendable, CustomStringConvertible {
        var hidden: Activation
        var cost: Cost
        var output: Activation
        var description: String { "\(hidden.rawValue)/\(cost.rawValue)/\(output.rawValue)" }
    }

    static let cases: [Case] = [Activation.sigmoid, .tanh, .relu].flatMap { hidden in
        [Cost.quadratic, .crossEntropy].flatMap { cost in
            [Activation.sigmoid, .softmax].map { Case(hidden: hidden, cost: cost, output: $0) }
        }
    }

    /// A [5, 4, 3, 3] network, two hidden layers so that equation 2 runs twice.
    static func network(_ testCase: Case) -> DenseNetwork<Double> {
        var random = SplitMix64(seed: 99)
        return Initialization.normal.network(
            sizes: [5, 4, 3, 3], hidden: testCase.hidden, output: testCase.output, random: &random)
    }

    /// Three samples; input 2 is zero in all of them, so the input layer's compaction is used.
    static let inputs: [Double] = [0.9, 0.1, 0, 0.4, 0.7, 0.2, 0.8, 0, 0.6, 0.3, 0.5, 0.35, 0, 0.15, 0.95]
    static let labels = [2, 0, 1]

    static func totalCost(_ network: DenseNetwork<Double>, _ cost: Cost) -> Double {
        let outputs = network.forward(Matrix(rows: 3, columns: 5, elements: inputs))
        return cost.total(outputs: outputs, labels: labels, outputActivation: network.layers.last?.activation ?? .sigmoid)
    }

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ testCase: Case) {
        let network = Self.network(testCase)
        let training = TrainingNetwork(network)
        var backpropagation = Backpropagation(network: training, batchSize: 3)
        backpropagation.withInput { $0.elements = Self.inputs }
        let outcome = backpropagation.run(training, labels: Self.labels, cost: testCase.cost)
        #expect(abs(outcome.cost - Self.totalCost(network, testCase.cost)) < 1e-12)

        let step = 1e-6
        var worst = 0.0
        for index in network.layers.indices {
            let analytic = backpropagation.weightGradient(layer: index, of: training)
            for element in network.layers[index].weights.indices {
                var plus = network
                plus.layers[index].weights[element] += step
                var minus = network
                minus.layers[index].weights[element] -= step
                let numeric = (Self.totalCost(plus, testCase.cost) - Self.totalCost(minus, testCase.cost)) / (2 * step)
                worst = max(worst, Self.relativeError(analytic[element], numeric))
            }
            for element in network.layers[index].biases.indices {
                var plus = network
                plus.layers[index].biases[element] += step
                var minus = network
                minus.layers[index].biases[element] -= step
                let numeric = (Self.totalCost(plus, testCase.cost) - Self.totalCost(minus, testCase.cost)) / (2 * step)
                worst = max(worst, Self.relativeError(backpropagation.biasGradients[index][element], numeric))
            }
        }
        #expect(worst < 1e-4, "\(testCase): largest relative error \(worst)")
    }

    static func relativeError(_ a: Double, _ b: Double) -> Double {
        let scale = max(abs(a), abs(b))
        return scale < 1e-9 ? abs(a - b) : abs(a - b) / scale
    }

    @Test func inactiveInputsGetNoGradient() {
        let training = TrainingNetwork(Self.network(Self.cases[0]))
        var backpropagation = Backpropagation(network: training, batchSize: 3)
        backpropagation.withInput { $0.elements = Self.inputs }
        backpropagation.run(training, labels: Self.labels, cost: .quadratic)
        #expect(backpropagation.activeInputs == [0, 1, 3, 4])
        let gradient = backpropagation.weightGradient(layer: 0, of: training)
        for row in 0..<4 { #expect(gradient[row * 5 + 2] == 0) }
    }
}
