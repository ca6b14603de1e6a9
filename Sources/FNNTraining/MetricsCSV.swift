import FNNModel

/// The `--metrics` file: one CSV row per epoch.
package enum MetricsCSV {
    package static let header = "epoch,train_cost,train_accuracy,validation_accuracy,learning_rate,seconds"

    /// The whole file for a history, header first.
    package static func text(_ history: [EpochRecord]) -> String {
        var lines = [header]
        for record in history {
            let validation = record.validationAccuracy.isNaN ? "" : "\(record.validationAccuracy)"
            lines.append(
                "\(record.epoch),\(record.trainingCost),\(record.trainingAccuracy),\(validation),\(record.learningRate),\(record.seconds)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
