import FNNKit
import FNNTestSupport
import Testing

@Suite struct TrainerTests {
    static let data = TrainingData(SyntheticDigits.dataset(count: 300), validationSize: 60)

    @Test func learnsAndRecordsEverything() throws {
        var epochsSeen: [Int] = []
        let result = try Trainer(configuration: SyntheticDigits.configuration()).train(data: Self.data) { event in
            if case .epochFinished(let record) = event { epochsSeen.append(record.epoch) }
        }
        #expect(epochsSeen == [1, 2, 3, 4])
        let model = result.model
        #expect(!result.interrupted)
        #expect(model.sizes == [16, 8, 3])
        #expect(model.layers.map(\.activation) == [.relu, .softmax])
        #expect(model.history.count == 4)
        #expect(model.history.allSatisfy { $0.seconds == 0 })
        #expect((model.metadata.validationAccuracy ?? 0) > 0.9)
        #expect(model.metadata.trainingDataSHA256 == Self.data.digest)
        #expect(model.metadata.labels == ["0", "1", "2"])
        #expect(model.hyperparameters.learningRate == 0.1)
        #expect(model.hyperparameters.seed == 7)
        #expect(model.optimizerState?.count == 2)
        // The cosine schedule lowers the rate each epoch.
        #expect(model.history.map(\.learningRate) == (0..<4).map { SyntheticDigits.configuration().learningRate(epoch: $0) })
        #expect(model.history[1].learningRate < model.history[0].learningRate)
        // It is a valid model file.
        #expect(try ModelFile.decode(try ModelFile.encode(model)).model == model)
    }

    @Test(arguments: [1, 2])
    func theSameSeedGivesTheSameBytes(threads: Int) throws {
        let configuration = SyntheticDigits.configuration(threads: threads)
        let first = try ModelFile.encode(Trainer(configuration: configuration).train(data: Self.data).model)
        let second = try ModelFile.encode(Trainer(configuration: configuration).train(data: Self.data).model)
        #expect(first == second)
        let other = try ModelFile.encode(Trainer(configuration: SyntheticDigits.configuration(seed: 8, threads: threads)).train(data: Self.data).model)
        #expect(first != other)
    }

    @Test func resumingFromACheckpointContinuesExactly() throws {
        let configuration = SyntheticDigits.configuration()
        var checkpoint: Model?
        let straight = Trainer(configuration: configuration).train(data: Self.data, afterEpoch: { model in
            if model.history.count == 2 { checkpoint = model }
        }).model
        // Through the file, as `--checkpoint` and `--resume` do.
        let saved = try ModelFile.decode(try ModelFile.encode(try #require(checkpoint))).model
        let resumed = try TrainingConfiguration(resuming: saved)
        #expect(resumed == configuration)
        let finished = try Trainer(configuration: resumed).train(data: Self.data, resuming: saved).model
        #expect(finished.layers == straight.layers)
        #expect(finished.history == straight.history)
    }

    @Test func stoppingMidEpochGivesAValidModel() throws {
        var batches = 0
        let result = try Trainer(configuration: SyntheticDigits.configuration()).train(data: Self.data, shouldStop: {
            batches += 1
            return batches == 40
        })
        #expect(result.interrupted)
        #expect(result.model.history.count == 1)  // 30 batches an epoch: stopped in the second
        #expect(try ModelFile.decode(try ModelFile.encode(result.model)).model == result.model)
    }

    @Test func earlyStoppingKeepsTheBestEpoch() throws {
        var configuration = SyntheticDigits.configuration()
        configuration.learningRate = 1e-9
        configuration.schedule = .constant
        configuration.epochs = 10
        configuration.earlyStopPatience = 2
        var stopped: Int?
        let result = try Trainer(configuration: configuration).train(data: Self.data) { event in
            if case .stoppedEarly(let best) = event { stopped = best }
        }
        #expect(result.stoppedEarly)
        #expect(stopped == 1)
        #expect(result.model.history.count == 3)
    }

    @Test func augmentationShiftsImages() throws {
        var configuration = SyntheticDigits.configuration()
        configuration.augmentShift = 1
        let shifted = try Trainer(configuration: configuration).train(data: Self.data).model
        let plain = try Trainer(configuration: SyntheticDigits.configuration()).train(data: Self.data).model
        #expect(shifted.layers != plain.layers)
        #expect(shifted.hyperparameters.extra["augment_shift"] == .int64(1))
    }

    @Test func badSettingsAreNamed() {
        var configuration = TrainingConfiguration.classic
        configuration.learningRate = 0
        configuration.batchSize = 0
        configuration.layerSizes = [785, 30, 10]
        let problems = configuration.problems(trainingImages: 60_000, inputSize: 784, classCount: 10)
        #expect(problems.contains("the learning rate must be positive, not 0.0"))
        #expect(problems.contains("the batch size must be positive, not 0"))
        #expect(problems.contains("the input layer has 785 neurons but the images have 784 pixels"))
        var big = TrainingConfiguration.classic
        big.batchSize = 50_001
        #expect(big.problems(trainingImages: 60_000).contains("the batch size 50001 is larger than the 50000 training images"))
        var output = TrainingConfiguration.classic
        output.layerSizes = [784, 30, 9]
        #expect(output.problems(classCount: 10).contains("the output layer has 9 neurons but the data has 10 classes"))
    }
}
