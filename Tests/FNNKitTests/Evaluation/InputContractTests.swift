import FNNKit
import FNNTestSupport
import Testing

/// Every path from pixels to inputs honours the model's input contract: the batched
/// classifier of predict and watch (which skips background pixels when it may), the
/// dataset path of evaluate and training's evaluation, and backpropagation's compacted
/// input, for contracts whose background is not 0 or whose ink is not 1.
@Suite struct InputContractTests {
    static let contracts: [(Double, Double)] = [(0, 1), (-1, 1), (0, 2), (0.5, -0.5), (-0.1307 / 0.3081, (1 - 0.1307) / 0.3081)]

    /// A small [16, 6, 3] network and four 4 × 4 images that are mostly background.
    static func model(_ contract: (Double, Double), type: NumberType) throws -> Model {
        var random = SplitMix64(seed: 7)
        let network: DenseNetwork<Double> = Initialization.xavier.network(
            sizes: [16, 6, 3], hidden: .tanh, output: .softmax, random: &random)
        let layers = network.layers.map { layer in
            Layer(
                activation: layer.activation, weights: .f64(rows: layer.outputSize, columns: layer.inputSize, layer.weights),
                biases: .f64(rows: layer.outputSize, columns: 1, layer.biases))
        }
        var model = try Model(layers: layers, cost: .crossEntropy).converted(to: type)
        model.metadata = Metadata(
            inputWidth: 4, inputHeight: 4, inputScaleMinimum: contract.0, inputScaleMaximum: contract.1)
        return model
    }

    static let pixels: [UInt8] = (0..<64).map { index in index % 5 == 0 ? UInt8((index * 37) % 256) : 0 }

    @Test(arguments: contracts, [NumberType.f32, .f64])
    func predictAndEvaluateGiveTheSameOutputs(contract: (Double, Double), type: NumberType) throws {
        let model = try Self.model(contract, type: type)
        let classifier = Classifier(model)
        let batched = classifier.probabilities(pixels: Self.pixels, count: 4)
        let dataset = MNISTDataset(count: 4, rows: 4, columns: 4, pixels: Self.pixels, labels: [0, 1, 2, 0])
        let dense = classifier.outputs(dataset, 0..<4)
        for (row, reference) in zip(batched, dense) {
            for (value, expected) in zip(row, reference) {
                #expect(abs(value - expected) < 1e-5, "contract \(contract)")
            }
        }
        // And by hand: the contract's own formula through the model's own forward pass.
        let inputs = Self.pixels.map { contract.0 + (contract.1 - contract.0) * Double($0) / 255 }
        let expected = DenseNetwork<Double>(model).forward(Matrix(rows: 4, columns: 16, elements: inputs))
        for row in 0..<4 {
            for column in 0..<3 {
                #expect(abs(batched[row][column] - expected.elements[row * 3 + column]) < 1e-5)
            }
        }
    }

    @Test(arguments: contracts)
    func backpropagationSeesTheContractsInputs(contract: (Double, Double)) throws {
        let model = try Self.model(contract, type: .f64)
        let network = DenseNetwork<Double>(model)
        let table = model.metadata.inputContract.table(Double.self)
        let training = TrainingNetwork(network)

        var compact = Backpropagation(network: training, batchSize: 4)
        Self.pixels.withUnsafeBufferPointer { images in
            table.withUnsafeBufferPointer { table in
                compact.setInput(images: images, offsets: [0, 16, 32, 48], table: table)
            }
        }
        let compactOutcome = compact.run(training, labels: [0, 1, 2, 0], cost: .crossEntropy)

        var dense = Backpropagation(network: training, batchSize: 4)
        dense.withInput { $0.elements = Self.pixels.map { table[Int($0)] } }
        let denseOutcome = dense.run(training, labels: [0, 1, 2, 0], cost: .crossEntropy)

        #expect(abs(compactOutcome.cost - denseOutcome.cost) < 1e-12)
        let a = compact.weightGradient(layer: 0, of: training)
        let b = dense.weightGradient(layer: 0, of: training)
        for (x, y) in zip(a, b) { #expect(abs(x - y) < 1e-12, "contract \(contract)") }
    }
}
