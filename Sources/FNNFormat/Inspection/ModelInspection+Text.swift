import Foundation
import FNNModel

extension ModelInspection {
    /// The report for people, for `fnn inspect`.
    package func text(path: String) -> String {
        var lines: [String] = []
        let version = formatVersion.map { "format version \($0)" + (minimumReaderVersion.map { " (readers of version \($0) and later)" } ?? "") } ?? "unknown format"
        lines.append("\(path): \(version), \(byteCount) bytes")
        if let model {
            lines.append("")
            lines.append("Network: \(model.sizes.map(String.init).joined(separator: " → ")), cost \(model.cost.rawValue), \(model.parameterCount) parameters")
            lines.append("")
            var table = [["layer", "inputs", "outputs", "activation", "parameters", "type", "tensor", "min", "max", "mean", "std"]]
            for (index, layer) in model.layers.enumerated() {
                for (name, tensor) in [("weights", layer.weights), ("biases", layer.biases)] {
                    let stats = tensor.statistics()
                    let first = name == "weights"
                    table.append([
                        first ? String(index + 1) : "", first ? String(layer.inputSize) : "",
                        first ? String(layer.outputSize) : "", first ? layer.activation.rawValue : "",
                        first ? String(layer.parameterCount) : "",
                        tensor.numberType.rawValue + (tensor.numberType == .int8 ? " ×\(Self.format(Double(tensor.scale)))" : ""),
                        name, Self.format(stats.minimum), Self.format(stats.maximum), Self.format(stats.mean),
                        Self.format(stats.standardDeviation),
                    ])
                }
            }
            lines += Self.alignedRows(table)
            lines.append("")
            lines.append("Hyperparameters:")
            lines += Self.keyValueLines(model.hyperparameters.entries)
            lines.append("")
            lines.append("Metadata:")
            lines += Self.keyValueLines(model.metadata.entries)
            if !model.history.isEmpty {
                lines.append("")
                lines.append("Training history:")
                var rows = [["epoch", "train cost", "train acc", "valid acc", "rate", "seconds"]]
                for record in model.history {
                    rows.append([
                        String(record.epoch), Self.format(record.trainingCost), Self.percent(record.trainingAccuracy),
                        record.validationAccuracy.isNaN ? "—" : Self.percent(record.validationAccuracy),
                        Self.format(record.learningRate), String(format: "%.2f", record.seconds),
                    ])
                }
                lines += Self.alignedRows(rows)
            }
            if model.optimizerState != nil {
                lines.append("")
                lines.append("Optimiser state: saved (momentum velocities), training can resume")
            }
            if !model.unknownChunks.isEmpty {
                lines.append("")
                lines.append("Unknown ancillary chunks (kept): " + model.unknownChunks.map { "\($0.type) (\($0.data.count) bytes)" }.joined(separator: ", "))
            }
        }
        lines.append("")
        lines.append("Checksums:")
        if checks.isEmpty { lines.append("  (none could be located)") }
        for check in checks {
            let verdict = check.matches ? "ok" : "MISMATCH (stored \(check.stored), computed \(check.computed))"
            lines.append("  \(check.name) at byte \(check.offset), over \(check.covers): \(verdict)")
        }
        lines.append("")
        if let error {
            lines.append("DAMAGED: \(error.description)")
        } else {
            lines.append("Intact: every checksum matches.")
        }
        return lines.joined(separator: "\n")
    }

    static func keyValueLines(_ entries: [String: TypedValue]) -> [String] {
        guard !entries.isEmpty else { return ["  (none)"] }
        let width = entries.keys.map(\.count).max() ?? 0
        return entries.keys.sorted().compactMap { key in
            entries[key].map { "  " + key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.displayText }
        }
    }

    static func alignedRows(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            "  " + row.enumerated().map { index, cell in
                cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.4g", value)
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.2f%%", value * 100)
    }
}
