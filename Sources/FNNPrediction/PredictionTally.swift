import FNNInference
import FNNSupport

/// The counts a prediction run's report is made of: how many images were classified, how
/// many failed, and the confusion matrix of those whose true label is known. It holds
/// counts, never rows, so it stays the same size however many images a run covers, and
/// tallies of shards add up to the tally of the whole.
package struct PredictionTally: Sendable, Equatable {
    /// The model's labels, by class index.
    package private(set) var names: [String]
    /// `confusion[actual][predicted]` over the labelled, classified images.
    package private(set) var confusion: [[Int]]
    /// Images classified.
    package private(set) var classified = 0
    /// Images that could not be classified.
    package private(set) var failed = 0
    /// Classified images whose true label is not known (or not one of the model's).
    package private(set) var unlabelled = 0

    package init(names: [String]) {
        self.names = names
        self.confusion = Array(repeating: Array(repeating: 0, count: names.count), count: names.count)
    }

    /// Counts one image.
    /// - Parameters:
    ///   - predicted: the predicted class index, or nil when the image could not be classified.
    ///   - actual: the true class index, when known.
    package mutating func count(predicted: Int?, actual: Int?) {
        guard let predicted else {
            failed += 1
            return
        }
        classified += 1
        guard let actual, confusion.indices.contains(actual), confusion[actual].indices.contains(predicted) else {
            unlabelled += 1
            return
        }
        confusion[actual][predicted] += 1
    }

    /// Counts one result, with its true label from `labels`.
    package mutating func count(_ result: PredictionResult, labels: TrueLabels) {
        switch result.outcome {
        case .success(let prediction): count(predicted: prediction.classIndex, actual: labels.classIndex(of: result.path))
        case .failure: count(predicted: nil, actual: nil)
        }
    }

    /// Counts one row read back from a results file (`--resume`, `fnn report`).
    /// - Throws: `ResultRowError` when the row predicts a label the model does not have
    ///   (the file was made with another model).
    package mutating func count(_ row: ResultRow, labels: TrueLabels) throws(ResultRowError) {
        count(predicted: try classIndex(of: row), actual: labels.classIndex(of: row.location.lossy))
    }

    /// The class index of a row's prediction; nil for a row that is an error.
    /// - Throws: `ResultRowError` when it predicts a label the model does not have.
    package func classIndex(of row: ResultRow) throws(ResultRowError) -> Int? {
        guard let label = row.prediction else { return nil }
        guard let index = names.firstIndex(of: label) else {
            throw ResultRowError(
                "the row for \(row.location.escaped) predicts \(BytePath.escape(label)), which is not one of the model's labels (\(names.joined(separator: " ")))")
        }
        return index
    }

    /// The labelled images' evaluation, or nil when none was labelled.
    package var evaluation: Evaluation? {
        let evaluation = Evaluation(confusion: confusion, labelNames: names)
        return evaluation.total == 0 ? nil : evaluation
    }

    /// The accuracy report for people: the evaluation, then what it leaves out; nil when
    /// no image was labelled.
    package var report: String? {
        guard let evaluation else { return nil }
        var text = evaluation.text
        if failed > 0 { text += "\n\(failed) images could not be classified and are not counted" }
        if unlabelled > 0 { text += "\n\(unlabelled) images have no known label and are not counted" }
        return text
    }
}
