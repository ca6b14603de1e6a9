import FNNImage
import FNNSupport

/// What fnn concluded about one image.
public struct PredictionResult: Sendable {
    /// The path for display and label matching (U+FFFD for bytes that are not UTF-8).
    public var path: String
    public var relativePath: String
    public var outcome: Result<Prediction, ImageError>
    /// The path as bytes, as the system gave it: what the output formats write (escaped).
    public var location: BytePath

    public init(path: String, relativePath: String, outcome: Result<Prediction, ImageError>, location: BytePath? = nil) {
        self.path = path
        self.relativePath = relativePath
        self.outcome = outcome
        self.location = location ?? BytePath(path)
    }

    /// A successful classification.
    public struct Prediction: Sendable {
        /// The index of the most probable class.
        public var classIndex: Int
        public var label: String
        public var confidence: Double
        /// One probability per class, summing to 1.
        public var probabilities: [Double]
        /// The 28 × 28 digit the network saw.
        public var normalized: [UInt8]
    }

    /// The `k` most probable classes, most probable first.
    public func top(_ k: Int, labels: (Int) -> String) -> [(label: String, probability: Double)] {
        guard case .success(let prediction) = outcome else { return [] }
        return prediction.probabilities.enumerated()
            .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(k)
            .map { (labels($0.offset), $0.element) }
    }
}
