import FNNModel

/// The `--metrics` file: one CSV row per epoch.
public enum MetricsCSV {
    public static let header = "epoch,train_cost,train_accuracy,validation_accuracy,learning_rate,seconds"

    /// The whole file for a history, header first.
    public static func text(_ history: [EpochRecord]) -> String {
        var lines = [header]
        for record in history {
            let validation = record.validationAccuracy.isNaN ? "" : "\(record.validationAccuracy)"
            lines.append(
                "\(record.epoch),\(record.trainingCost),\(record.trainingAccuracy),\(validation),\(record.learningRate),\(record.seconds)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
