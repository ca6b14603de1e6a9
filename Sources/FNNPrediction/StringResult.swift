import FNNImage
import FNNSupport

/// What fnn read in one image of a row of digits (`fnn predict --segment`).
package struct StringResult: Sendable {
    /// The path for display and label matching (U+FFFD for bytes that are not UTF-8).
    package var path: String
    package var relativePath: String
    package var outcome: Result<Reading, ImageError>
    /// The path as bytes, as the system gave it: what the output formats write (escaped).
    package var location: BytePath

    package init(path: String, relativePath: String, outcome: Result<Reading, ImageError>, location: BytePath? = nil) {
        self.path = path
        self.relativePath = relativePath
        self.outcome = outcome
        self.location = location ?? BytePath(path)
    }

    /// The digits of a row, read.
    package struct Reading: Sendable {
        /// The predicted labels, left to right, joined: `"4213"`.
        package var digits: String
        /// The lowest of the digits' confidences: how sure fnn is of the whole string.
        package var confidence: Double
        /// The digits, left to right.
        package var segments: [Segment]

        package init(segments: [Segment]) {
            self.segments = segments
            digits = segments.map(\.prediction.label).joined()
            confidence = segments.map(\.prediction.confidence).min() ?? 0
        }
    }

    /// One digit of a row: where it is in the image and what the network made of it.
    package struct Segment: Sendable {
        /// The box of its pixels in the image.
        package var box: PixelBox
        /// Whether it was cut out of ink it shared with a neighbour (touching digits).
        package var touching: Bool
        package var prediction: PredictionResult.Prediction

        package init(box: PixelBox, touching: Bool, prediction: PredictionResult.Prediction) {
            self.box = box
            self.touching = touching
            self.prediction = prediction
        }
    }
}
