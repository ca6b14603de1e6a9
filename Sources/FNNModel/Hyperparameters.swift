/// How a network's weights were initialised.
public enum Initialization: String, Sendable, CaseIterable, Codable {
    /// N(0, 1), the classic choice.
    case normal
    /// N(0, 1/n_in).
    case scaledNormal = "scaled-normal"
    /// He: N(0, 2/n_in), for ReLU.
    case he
    /// Xavier/Glorot: N(0, 2/(n_in + n_out)).
    case xavier
}

/// How the learning rate changes over the epochs.
public enum LearningRateSchedule: String, Sendable, CaseIterable, Codable {
    case constant
    case step
    case cosine
}

/// The settings a network was trained with. Every field is optional: a model file records
/// what its writer knew.
public struct Hyperparameters: Sendable, Equatable {
    public var learningRate: Double?
    public var epochs: Int?
    public var batchSize: Int?
    /// L2 λ, scaled as in *Neural Networks and Deep Learning*: weights shrink by `1 − ηλ/n`.
    public var weightDecay: Double?
    public var momentum: Double?
    public var initialization: Initialization?
    public var seed: UInt64?
    public var learningRateSchedule: LearningRateSchedule?
    /// Early-stopping patience in epochs; 0 is off.
    public var earlyStopPatience: Int?
    public var validationSize: Int?
    public var threads: Int?
    /// Entries whose keys this version of fnn does not know, kept as they were.
    public var extra: [String: TypedValue]

    public init(
        learningRate: Double? = nil, epochs: Int? = nil, batchSize: Int? = nil,
        weightDecay: Double? = nil, momentum: Double? = nil,
        initialization: Initialization? = nil, seed: UInt64? = nil,
        learningRateSchedule: LearningRateSchedule? = nil, earlyStopPatience: Int? = nil,
        validationSize: Int? = nil, threads: Int? = nil, extra: [String: TypedValue] = [:]
    ) {
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.initialization = initialization
        self.seed = seed
        self.learningRateSchedule = learningRateSchedule
        self.earlyStopPatience = earlyStopPatience
        self.validationSize = validationSize
        self.threads = threads
        self.extra = extra
    }

    /// Reads the known keys of a `hyps` chunk, checking their types.
    public init(entries: [String: TypedValue]) throws(KeyValueTypeError) {
        var fields = KeyValueFields(entries)
        self.init(
            learningRate: try fields.double("learning_rate"),
            epochs: try fields.int("epochs"),
            batchSize: try fields.int("batch_size"),
            weightDecay: try fields.double("weight_decay"),
            momentum: try fields.double("momentum"),
            initialization: try fields.choice("init", Initialization.self),
            seed: try fields.uint64("seed"),
            learningRateSchedule: try fields.choice("lr_schedule", LearningRateSchedule.self),
            earlyStopPatience: try fields.int("early_stop"),
            validationSize: try fields.int("validation_size"),
            threads: try fields.int("threads"),
            extra: fields.remaining)
    }

    /// The entries of a `hyps` chunk.
    public var entries: [String: TypedValue] {
        var entries = extra
        entries.set("learning_rate", learningRate)
        entries.set("epochs", epochs)
        entries.set("batch_size", batchSize)
        entries.set("weight_decay", weightDecay)
        entries.set("momentum", momentum)
        entries.set("init", initialization?.rawValue)
        entries.set("seed", seed)
        entries.set("lr_schedule", learningRateSchedule?.rawValue)
        entries.set("early_stop", earlyStopPatience)
        entries.set("validation_size", validationSize)
        entries.set("threads", threads)
        return entries
    }

    /// Whether nothing is recorded.
    public var isEmpty: Bool { entries.isEmpty }
}
