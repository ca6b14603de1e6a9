#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNModel

/// The number type a network trains in: binary32 (fast) or binary64.
package enum TrainingPrecision: String, Sendable, CaseIterable, Codable {
    case f32
    case f64
}

/// Everything that decides how a network is trained.
package struct TrainingConfiguration: Sendable, Equatable {
    /// Layer sizes from input to output, e.g. `[784, 100, 10]`.
    package var layerSizes: [Int]
    package var hiddenActivation: Activation
    /// `sigmoid` or `softmax`.
    package var outputActivation: Activation
    package var cost: Cost
    package var epochs: Int
    package var batchSize: Int
    /// η.
    package var learningRate: Double
    /// L2 λ, scaled by the training set size n as in network2.py: weights shrink by `1 − ηλ/n`.
    package var weightDecay: Double
    /// μ; 0 is plain SGD.
    package var momentum: Double
    package var initialization: Initialization
    package var schedule: LearningRateSchedule
    /// For `step`: multiply the rate by `stepFactor` every `stepEpochs` epochs.
    package var stepEpochs: Int
    package var stepFactor: Double
    /// Stop when validation accuracy has not improved for this many epochs; 0 is off.
    package var earlyStopPatience: Int
    package var seed: UInt64
    /// Threads for BLAS.
    package var threads: Int
    /// Images held out from the end of the training set for validation.
    package var validationSize: Int
    /// Shift each training image by up to this many pixels in x and y, at random.
    package var augmentShift: Int
    /// Distortions of each training image (`fnn train --augment`), drawn from the seed.
    package var augmentation: Augmentation?
    /// The number type training computes and stores in.
    package var precision: TrainingPrecision

    package init(
        layerSizes: [Int], hiddenActivation: Activation, outputActivation: Activation, cost: Cost,
        epochs: Int, batchSize: Int, learningRate: Double, weightDecay: Double = 0, momentum: Double = 0,
        initialization: Initialization, schedule: LearningRateSchedule = .constant, stepEpochs: Int = 10,
        stepFactor: Double = 0.1, earlyStopPatience: Int = 0, seed: UInt64 = 1, threads: Int = 1,
        validationSize: Int = 10_000, augmentShift: Int = 0, augmentation: Augmentation? = nil,
        precision: TrainingPrecision = .f32
    ) {
        self.layerSizes = layerSizes
        self.hiddenActivation = hiddenActivation
        self.outputActivation = outputActivation
        self.cost = cost
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.initialization = initialization
        self.schedule = schedule
        self.stepEpochs = stepEpochs
        self.stepFactor = stepFactor
        self.earlyStopPatience = earlyStopPatience
        self.seed = seed
        self.threads = threads
        self.validationSize = validationSize
        self.augmentShift = augmentShift
        self.augmentation = augmentation
        self.precision = precision
    }

    /// The lecture's setup (Nielsen, chapter 1): [784, 30, 10] sigmoid, quadratic cost,
    /// N(0, 1) initialisation, η = 3.0, mini-batch 10, 30 epochs.
    package static let classic = TrainingConfiguration(
        layerSizes: [784, 30, 10], hiddenActivation: .sigmoid, outputActivation: .sigmoid, cost: .quadratic,
        epochs: 30, batchSize: 10, learningRate: 3.0, initialization: .normal)

    /// fnn's default recipe: ReLU hidden layer, softmax with cross-entropy, He
    /// initialisation, momentum SGD with L2 and a cosine learning-rate schedule.
    package static let recommended = TrainingConfiguration(
        layerSizes: [784, 256, 10], hiddenActivation: .relu, outputActivation: .softmax, cost: .crossEntropy,
        epochs: 30, batchSize: 32, learningRate: 0.05, weightDecay: 5, momentum: 0.9, initialization: .he,
        schedule: .cosine)

    /// The learning rate for a 0-based epoch.
    package func learningRate(epoch: Int) -> Double {
        switch schedule {
        case .constant:
            return learningRate
        case .step:
            return learningRate * pow(stepFactor, Double(epoch / max(stepEpochs, 1)))
        case .cosine:
            return learningRate * 0.5 * (1 + cos(Double.pi * Double(epoch) / Double(max(epochs, 1))))
        }
    }

    /// Every rule the settings break, in words for the user.
    package func problems(trainingImages: Int? = nil, inputSize: Int? = nil, classCount: Int? = nil) -> [String] {
        var problems: [String] = []
        if layerSizes.count < 2 { problems.append("--layers needs at least an input and an output size") }
        if layerSizes.count - 1 > ModelFileLimits.layers.upperBound { problems.append("--layers allows at most 64 layers") }
        for size in layerSizes where !ModelFileLimits.layerSize.contains(size) {
            problems.append("layer size \(size) is outside 1…65536")
        }
        if let inputSize, let first = layerSizes.first, first != inputSize {
            problems.append("the input layer has \(first) neurons but the images have \(inputSize) pixels")
        }
        if let classCount, let last = layerSizes.last, last != classCount {
            problems.append("the output layer has \(last) neurons but the data has \(classCount) classes")
        }
        if hiddenActivation == .softmax { problems.append("softmax is for the output layer only (--output-activation softmax)") }
        if outputActivation != .sigmoid && outputActivation != .softmax {
            problems.append("the output activation must be sigmoid or softmax")
        }
        if !(learningRate > 0 && learningRate.isFinite) { problems.append("the learning rate must be positive, not \(learningRate)") }
        if batchSize < 1 { problems.append("the batch size must be positive, not \(batchSize)") }
        if epochs < 1 { problems.append("the number of epochs must be positive, not \(epochs)") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { problems.append("the weight decay must be 0 or more, not \(weightDecay)") }
        if !(momentum >= 0 && momentum < 1) { problems.append("the momentum must be in [0, 1), not \(momentum)") }
        if earlyStopPatience < 0 { problems.append("the early-stop patience must be 0 or more") }
        if validationSize < 0 { problems.append("the validation size must be 0 or more") }
        if earlyStopPatience > 0 && validationSize == 0 { problems.append("--early-stop needs a validation set") }
        if threads < 1 || threads > 1_024 { problems.append("the thread count must be 1 to 1024, not \(threads)") }
        if epochs > 1_000_000 { problems.append("the number of epochs must be at most 1000000, not \(epochs)") }
        if augmentShift < 0 || augmentShift > 8 { problems.append("the augmentation shift must be 0 to 8 pixels") }
        if let augmentation {
            problems += augmentation.problems
            if augmentShift > 0 { problems.append("--augment-shift and --augment are exclusive: --augment-translation shifts") }
        }
        if schedule == .step && (stepEpochs < 1 || !(stepFactor > 0 && stepFactor <= 1)) {
            problems.append("a step schedule needs a positive step and a factor in (0, 1]")
        }
        if let trainingImages, validationSize >= 0 {
            let training = trainingImages - validationSize
            if validationSize >= trainingImages {
                problems.append("the validation set (\(validationSize)) leaves no training images of \(trainingImages)")
            } else if batchSize > training {
                problems.append("the batch size \(batchSize) is larger than the \(training) training images")
            }
        }
        return problems
    }

    /// The hyperparameters a model file records for this configuration.
    package var hyperparameters: Hyperparameters {
        var extra: [String: TypedValue] = [:]
        if schedule == .step {
            extra["lr_step_epochs"] = .int64(Int64(stepEpochs))
            extra["lr_step_factor"] = .float64(stepFactor)
        }
        if augmentShift > 0 { extra["augment_shift"] = .int64(Int64(augmentShift)) }
        if let augmentation {
            for (key, value) in augmentation.fields { extra[key] = .float64(value) }
        }
        return Hyperparameters(
            learningRate: learningRate, epochs: epochs, batchSize: batchSize, weightDecay: weightDecay,
            momentum: momentum, initialization: initialization, seed: seed, learningRateSchedule: schedule,
            earlyStopPatience: earlyStopPatience, validationSize: validationSize, threads: threads, extra: extra)
    }
}
