import FNNInference
import FNNMath
import FNNModel

extension Initialization {
    /// The standard deviation of a layer's initial weights.
    package func weightDeviation(inputs: Int, outputs: Int) -> Double {
        switch self {
        case .normal: 1
        case .scaledNormal: 1 / Double(inputs).squareRoot()
        case .he: (2 / Double(inputs)).squareRoot()
        case .xavier: (2 / Double(inputs + outputs)).squareRoot()
        }
    }

    /// Biases start N(0, 1) for the classic schemes (as network.py and network2.py do)
    /// and at zero for He and Xavier.
    package var randomBiases: Bool { self == .normal || self == .scaledNormal }

    /// A network of the given sizes with random initial parameters.
    ///
    /// - Parameter random: drawn from in a fixed order (layer by layer, weights then
    ///   biases), so a seed always gives the same network.
    package func network<Scalar: NetworkScalar>(
        sizes: [Int], hidden: Activation, output: Activation, random: inout SplitMix64
    ) -> DenseNetwork<Scalar> {
        let layers = (1..<sizes.count).map { index in
            let inputs = sizes[index - 1]
            let outputs = sizes[index]
            let deviation = weightDeviation(inputs: inputs, outputs: outputs)
            let weights = (0..<(inputs * outputs)).map { _ in Scalar(random.nextNormal() * deviation) }
            let biases = (0..<outputs).map { _ in randomBiases ? Scalar(random.nextNormal()) : 0 }
            return DenseNetwork<Scalar>.DenseLayer(
                activation: index == sizes.count - 1 ? output : hidden, inputSize: inputs, outputSize: outputs,
                weights: weights, biases: biases)
        }
        return DenseNetwork(layers: layers)
    }
}
