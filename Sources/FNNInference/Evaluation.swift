import FNNData
import FNNModel

/// How well a model classifies a labelled dataset.
public struct Evaluation: Sendable, Equatable, Codable {
    /// Precision and recall of one class.
    public struct ClassScore: Sendable, Equatable, Codable {
        public var label: String
        /// Of the images predicted as this class, the fraction that are; NaN if none were.
        public var precision: Double
        /// Of the images of this class, the fraction predicted as it; NaN if there are none.
        public var recall: Double
        /// The number of images of this class.
        public var support: Int
    }

    public var total: Int
    public var correct: Int
    /// `confusion[actual][predicted]`.
    public var confusion: [[Int]]
    public var classes: [ClassScore]

    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Tallies predictions against labels.
    ///
    /// - Parameters:
    ///   - predictions: predicted class per item.
    ///   - labels: true class per item, each below `labelNames.count`.
    public init(predictions: [Int], labels: [Int], labelNames: [String]) {
        let classCount = labelNames.count
        var confusion = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (predicted, actual) in zip(predictions, labels)
        where confusion.indices.contains(actual) && confusion[actual].indices.contains(predicted) {
            confusion[actual][predicted] += 1
        }
        self.init(confusion: confusion, labelNames: labelNames)
    }

    /// The evaluation that a confusion matrix describes.
    ///
    /// - Parameter confusion: `confusion[actual][predicted]`, a square matrix with a row per
    ///   name in `labelNames`.
    package init(confusion: [[Int]], labelNames: [String]) {
        let classCount = labelNames.count
        self.confusion = confusion
        self.total = confusion.reduce(0) { $0 + $1.reduce(0, +) }
        self.correct = (0..<classCount).reduce(0) { $0 + confusion[$1][$1] }
        self.classes = (0..<classCount).map { index in
            let predictedAs = confusion.reduce(0) { $0 + $1[index] }
            let support = confusion[index].reduce(0, +)
            let hits = confusion[index][index]
            return ClassScore(
                label: labelNames[index],
                precision: predictedAs == 0 ? .nan : Double(hits) / Double(predictedAs),
                recall: support == 0 ? .nan : Double(hits) / Double(support),
                support: support)
        }
    }
}

/// A model that cannot be run on a dataset, and why.
public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Evaluation {
    /// The most classes an evaluation reports: its confusion matrix has one cell per pair.
    public static let maximumClasses = 1_024

    /// Evaluates `model` on `dataset`.
    ///
    /// - Throws: `EvaluationError` when the model's input or output size does not fit the data.
    public static func run(
        _ model: Model, on dataset: MNISTDataset, progress: (Int) -> Void = { _ in }
    ) throws(EvaluationError) -> Evaluation {
        guard model.inputSize == dataset.pixelsPerImage else {
            throw EvaluationError(
                message: "the model takes \(model.inputSize) inputs but the images have \(dataset.rows)×\(dataset.columns) = \(dataset.pixelsPerImage) pixels")
        }
        guard dataset.count > 0 else { throw EvaluationError(message: "the data holds no images") }
        guard model.outputSize <= maximumClasses else {
            throw EvaluationError(
                message: "the model has \(model.outputSize) outputs; an evaluation reports at most \(maximumClasses) classes")
        }
        let largestLabel = Int(dataset.labels.max() ?? 0)
        guard largestLabel < model.outputSize else {
            let item = dataset.labels.firstIndex { Int($0) >= model.outputSize } ?? 0
            throw EvaluationError(
                message: "the model has \(model.outputSize) outputs (classes 0–\(model.outputSize - 1)), but the data has label \(dataset.labels[item]) (item \(item))")
        }
        let predictions = Classifier(model).predictions(dataset, progress: progress)
        if let image = predictions.firstIndex(of: -1) {
            throw EvaluationError(
                message: "the model's outputs for image \(image) are not finite numbers (its parameters overflow in use)")
        }
        let names = (0..<model.outputSize).map { model.metadata.label($0) }
        return Evaluation(predictions: predictions, labels: dataset.labels.map(Int.init), labelNames: names)
    }
}
