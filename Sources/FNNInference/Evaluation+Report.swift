import Foundation
import FNNSupport

extension Evaluation {
    /// The report for people.
    package var text: String {
        var lines: [String] = []
        lines.append(String(format: "accuracy: %.2f%% (%d of %d correct)", accuracy * 100, correct, total))
        lines.append("")
        lines.append("class  precision  recall  images")
        for score in classes {
            lines.append(
                score.label.padding(toLength: 5, withPad: " ", startingAt: 0)
                    + "  " + Self.percent(score.precision).leftPadded(9) + "  " + Self.percent(score.recall).leftPadded(6)
                    + "  " + String(score.support).leftPadded(6))
        }
        lines.append("")
        lines.append("confusion matrix (rows: true class, columns: predicted):")
        let width = max(5, String(confusion.flatMap { $0 }.max() ?? 0).count + 1)
        lines.append("     " + classes.map { $0.label.leftPadded(width) }.joined())
        for (index, row) in confusion.enumerated() {
            lines.append(classes[index].label.padding(toLength: 5, withPad: " ", startingAt: 0) + row.map { String($0).leftPadded(width) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The report as JSON.
    package func json(model: String) -> JSONValue {
        .object([
            ("model", .string(model)),
            ("total", .int(total)),
            ("correct", .int(correct)),
            ("accuracy", .number(accuracy)),
            ("classes", .array(classes.map { score in
                .object([
                    ("label", .string(score.label)), ("precision", .number(score.precision)),
                    ("recall", .number(score.recall)), ("support", .int(score.support)),
                ])
            })),
            ("confusion", .array(confusion.map { .array($0.map { .int($0) }) })),
        ])
    }

    private static func percent(_ value: Double) -> String {
        value.isNaN ? "—" : String(format: "%.2f%%", value * 100)
    }
}
