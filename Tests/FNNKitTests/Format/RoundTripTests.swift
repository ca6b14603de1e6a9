import FNNKit
import FNNTestSupport
import Testing

/// Writing and reading back gives the same model, for every format version and number type.
@Suite struct RoundTripTests {
    /// A small model with every kind of content version 2 can hold.
    static func richModel() -> Model {
        var random = SplitMix64(seed: 7)
        func tensor(_ rows: Int, _ columns: Int) -> Tensor {
            .f64(rows: rows, columns: columns, (0..<(rows * columns)).map { _ in random.nextNormal() })
        }
        return Model(
            layers: [
                Layer(activation: .relu, weights: tensor(5, 7), biases: tensor(5, 1)),
                Layer(activation: .tanh, weights: tensor(4, 5), biases: tensor(4, 1)),
                Layer(activation: .softmax, weights: tensor(3, 4), biases: tensor(3, 1)),
            ],
            cost: .crossEntropy,
            hyperparameters: Hyperparameters(
                learningRate: 0.1, epochs: 30, batchSize: 10, weightDecay: 5, momentum: 0.9,
                initialization: .he, seed: 42, learningRateSchedule: .cosine, earlyStopPatience: 5,
                validationSize: 10_000, threads: 2, extra: ["x.custom": .stringArray(["a", "b"])]),
            metadata: Metadata(
                labels: ["a", "b", "c"], inputWidth: 7, inputHeight: 1, inputLayout: "row-major",
                inputScaleMinimum: 0, inputScaleMaximum: 1, creator: "fnn test", created: "2026-11-29T00:00:00Z",
                description: "round trip", trainingDataSHA256: String(repeating: "ab", count: 32),
                validationAccuracy: 0.9, testAccuracy: 0.8, extra: ["x.flag": .bool(true)]),
            history: [
                EpochRecord(epoch: 1, trainingCost: 0.5, trainingAccuracy: 0.8, validationAccuracy: .nan, learningRate: 0.1, seconds: 1.25)
            ],
            optimizerState: [
                OptimizerLayerState(weightVelocity: tensor(5, 7), biasVelocity: tensor(5, 1)),
                OptimizerLayerState(weightVelocity: tensor(4, 5), biasVelocity: tensor(4, 1)),
                OptimizerLayerState(weightVelocity: tensor(3, 4), biasVelocity: tensor(3, 1)),
            ],
            unknownChunks: [RawChunk(type: "xtra", data: [1, 2, 3])])
    }

    @Test(arguments: NumberType.allCases)
    func version2KeepsEverything(type: NumberType) throws {
        let model = try Self.richModel().converted(to: type)
        let bytes = try ModelFile.encode(model)
        let loaded = try ModelFile.decode(bytes)
        #expect(loaded.formatVersion == 2)
        #expect(loaded.model == model)
        // Writing what was read gives the same bytes.
        #expect(try ModelFile.encode(loaded.model) == bytes)
    }

    @Test(arguments: NumberType.allCases)
    func version1KeepsTheNetworkOfASigmoidModel(type: NumberType) throws {
        var model = try Self.richModel().converted(to: type)
        for index in model.layers.indices { model.layers[index].activation = .sigmoid }
        // Version 1 refuses to drop metadata silently …
        let refusal = #expect(throws: ModelConversionError.self) { try ModelFile.encode(model, version: 1) }
        #expect(refusal?.description.contains("metadata") == true)
        #expect(refusal?.description.contains("--allow-loss") == true)
        // … and keeps the network, widened to f64, exactly when told to drop the rest.
        let loaded = try ModelFile.decode(try ModelFile.encode(model, version: 1, allowingLoss: true))
        #expect(loaded.formatVersion == 1)
        #expect(try loaded.model.layers == model.converted(to: .f64).layers)
        #expect(loaded.model.cost == model.cost)
        #expect(loaded.model.hyperparameters.learningRate == 0.1)
        #expect(loaded.model.hyperparameters.seed == 42)
        #expect(loaded.model.metadata.isEmpty)
    }

    @Test func version1CannotHoldOtherActivations() {
        let error = #expect(throws: ModelConversionError.self) {
            try ModelFile.encode(Self.richModel(), version: 1, allowingLoss: true)
        }
        #expect(error?.description.contains("layer 1 uses relu") == true)
        #expect(error?.description.contains("layer 3 uses softmax") == true)
    }

    @Test func upgradingVersion1LosesNothing() throws {
        let v1 = try Fixtures.bytes(Fixtures.vectors + "/v1-deep.fnn")
        let model = try ModelFile.decode(v1).model
        let upgraded = try ModelFile.decode(try ModelFile.encode(model)).model
        #expect(upgraded == model)
        #expect(try ModelFile.encode(upgraded, version: 1) == v1)
    }

    @Test func quantisationErrorIsBounded() throws {
        let model = Self.richModel()
        let f16 = try model.converted(to: .f16)
        let int8 = try model.converted(to: .int8)
        #expect(try model.largestParameterChange(from: model.converted(to: .f32)) < 1e-6)
        #expect(model.largestParameterChange(from: f16) < 4e-3)
        #expect(model.largestParameterChange(from: f16) > 0)
        // int8: at most half a step of max|x|/127 per tensor.
        for (layer, quantised) in zip(model.layers, int8.layers) {
            let largest = layer.weights.doubles().map(\.magnitude).max() ?? 0
            for (x, q) in zip(layer.weights.doubles(), quantised.weights.doubles()) {
                #expect((x - q).magnitude <= largest / 127 / 2 * 1.0001)
            }
        }
    }

    @Test func invalidModelsAreRefusedByTheWriter() {
        var model = Self.richModel()
        model.layers[0].activation = .softmax
        model.layers[1].weights = .f64(rows: 4, columns: 6, Array(repeating: 0, count: 24))
        let error = #expect(throws: ModelConversionError.self) { try ModelFile.encode(model) }
        let problems = error?.problems ?? []
        #expect(problems.contains("layer 1 uses softmax, which only the output layer may"))
        #expect(problems.contains("layer 2 takes 6 inputs but receives 5"))
        #expect(problems.contains("the optimiser state of layer 2 does not match its parameters"))
    }
}
