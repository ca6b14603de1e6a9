import FNNImage
import FNNSupport

/// What fnn concluded about one image.
package struct PredictionResult: Sendable {
    /// The path for display and label matching (U+FFFD for bytes that are not UTF-8).
    package var path: String
    package var relativePath: String
    package var outcome: Result<Prediction, ImageError>
    /// The path as bytes, as the system gave it: what the output formats write (escaped).
    package var location: BytePath

    package init(path: String, relativePath: String, outcome: Result<Prediction, ImageError>, location: BytePath? = nil) {
        self.path = path
        self.relativePath = relativePath
        self.outcome = outcome
        self.location = location ?? BytePath(path)
    }

    /// A successful classification.
    package struct Prediction: Sendable {
        /// The index of the most probable class.
        package var classIndex: Int
        package var label: String
        package var confidence: Double
        /// One probability per class, summing to 1.
        package var probabilities: [Double]
        /// The 28 × 28 digit the network saw.
        package var normalized: [UInt8]

        package init(classIndex: Int, label: String, confidence: Double, probabilities: [Double], normalized: [UInt8]) {
            self.classIndex = classIndex
            self.label = label
            self.confidence = confidence
            self.probabilities = probabilities
            self.normalized = normalized
        }
    }

    /// The `k` most probable classes, most probable first.
    package func top(_ k: Int, labels: (Int) -> String) -> [(label: String, probability: Double)] {
        guard case .success(let prediction) = outcome else { return [] }
        return prediction.probabilities.enumerated()
            .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(k)
            .map { (labels($0.offset), $0.element) }
    }
}
