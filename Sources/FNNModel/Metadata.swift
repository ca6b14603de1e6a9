/// What the network expects as input: an image of `width × height` pixels, row-major,
/// background 0 and ink 255 mapped linearly onto `scaleMinimum … scaleMaximum`.
public struct InputContract: Sendable, Equatable, Codable {
    public var width: Int
    public var height: Int
    public var layout: String
    public var scaleMinimum: Double
    public var scaleMaximum: Double

    /// MNIST's contract: 28 × 28, row-major, pixels scaled to [0, 1].
    public static let mnist = InputContract(
        width: 28, height: 28, layout: "row-major", scaleMinimum: 0, scaleMaximum: 1)

    /// The network input for a pixel intensity 0…255.
    public func scaled(_ pixel: UInt8) -> Double {
        scaleMinimum + (scaleMaximum - scaleMinimum) * Double(pixel) / 255
    }
}

/// Facts about a model: where it came from, what it expects, how well it did.
public struct Metadata: Sendable, Equatable {
    /// One label per output neuron.
    public var labels: [String]?
    public var inputWidth: Int?
    public var inputHeight: Int?
    public var inputLayout: String?
    public var inputScaleMinimum: Double?
    public var inputScaleMaximum: Double?
    /// The program that wrote the model, e.g. `fnn 0.1.0`.
    public var creator: String?
    /// Creation time, RFC 3339 in UTC.
    public var created: String?
    public var description: String?
    /// Lower-case hex SHA-256 of the training images and labels.
    public var trainingDataSHA256: String?
    /// Fraction of the validation set classified correctly.
    public var validationAccuracy: Double?
    /// Fraction of the test set classified correctly.
    public var testAccuracy: Double?
    /// Entries whose keys this version of fnn does not know, kept as they were.
    public var extra: [String: TypedValue]

    public init(
        labels: [String]? = nil, inputWidth: Int? = nil, inputHeight: Int? = nil,
        inputLayout: String? = nil, inputScaleMinimum: Double? = nil,
        inputScaleMaximum: Double? = nil, creator: String? = nil, created: String? = nil,
        description: String? = nil, trainingDataSHA256: String? = nil,
        validationAccuracy: Double? = nil, testAccuracy: Double? = nil,
        extra: [String: TypedValue] = [:]
    ) {
        self.labels = labels
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.inputLayout = inputLayout
        self.inputScaleMinimum = inputScaleMinimum
        self.inputScaleMaximum = inputScaleMaximum
        self.creator = creator
        self.created = created
        self.description = description
        self.trainingDataSHA256 = trainingDataSHA256
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        self.extra = extra
    }

    /// Reads the known keys of a `meta` chunk, checking their types.
    public init(entries: [String: TypedValue]) throws(KeyValueTypeError) {
        var fields = KeyValueFields(entries)
        self.init(
            labels: try fields.strings("labels"),
            inputWidth: try fields.int("input.width"),
            inputHeight: try fields.int("input.height"),
            inputLayout: try fields.string("input.layout"),
            inputScaleMinimum: try fields.double("input.scale_min"),
            inputScaleMaximum: try fields.double("input.scale_max"),
            creator: try fields.string("creator"),
            created: try fields.string("created"),
            description: try fields.string("description"),
            trainingDataSHA256: try fields.string("training_data_sha256"),
            validationAccuracy: try fields.double("validation_accuracy"),
            testAccuracy: try fields.double("test_accuracy"),
            extra: fields.remaining)
    }

    /// The entries of a `meta` chunk.
    public var entries: [String: TypedValue] {
        var entries = extra
        entries.set("labels", labels)
        entries.set("input.width", inputWidth)
        entries.set("input.height", inputHeight)
        entries.set("input.layout", inputLayout)
        entries.set("input.scale_min", inputScaleMinimum)
        entries.set("input.scale_max", inputScaleMaximum)
        entries.set("creator", creator)
        entries.set("created", created)
        entries.set("description", description)
        entries.set("training_data_sha256", trainingDataSHA256)
        entries.set("validation_accuracy", validationAccuracy)
        entries.set("test_accuracy", testAccuracy)
        return entries
    }

    /// Whether nothing is recorded.
    public var isEmpty: Bool { entries.isEmpty }

    /// The input contract, with MNIST's values for whatever the file does not say.
    public var inputContract: InputContract {
        let mnist = InputContract.mnist
        return InputContract(
            width: inputWidth ?? mnist.width, height: inputHeight ?? mnist.height,
            layout: inputLayout ?? mnist.layout,
            scaleMinimum: inputScaleMinimum ?? mnist.scaleMinimum,
            scaleMaximum: inputScaleMaximum ?? mnist.scaleMaximum)
    }

    /// The label of output neuron `index`: the stored label, or the index itself.
    public func label(_ index: Int) -> String {
        if let labels, labels.indices.contains(index) { return labels[index] }
        return String(index)
    }
}
