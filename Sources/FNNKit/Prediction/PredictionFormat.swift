import Foundation

/// How `fnn predict` writes its rows.
public enum PredictionFormat: String, Sendable, CaseIterable {
    /// `path,prediction,confidence,error` (RFC 4180 quoting; `error` is empty for a
    /// classified image, and the other fields are empty for one that failed).
    case csv
    /// One JSON object per line.
    case jsonl
    /// Aligned columns for people.
    case table

    /// The header line, if the format has one.
    public func header(topK: Int) -> String? {
        switch self {
        case .csv:
            var columns = ["path", "prediction", "confidence"]
            for rank in stride(from: 2, through: topK, by: 1) { columns += ["top\(rank)", "top\(rank)_confidence"] }
            return (columns + ["error"]).joined(separator: ",")
        case .jsonl: return nil
        case .table: return nil
        }
    }

    /// The line for one result.
    public func line(_ result: PredictionResult, topK: Int, labels: (Int) -> String) -> String {
        switch (self, result.outcome) {
        case (.csv, .success(let prediction)):
            var fields = [Self.csvField(result.path), Self.csvField(prediction.label), Self.number(prediction.confidence)]
            for entry in result.top(topK, labels: labels).dropFirst() {
                fields += [Self.csvField(entry.label), Self.number(entry.probability)]
            }
            return (fields + [""]).joined(separator: ",")
        case (.csv, .failure(let error)):
            let empty = [String](repeating: "", count: 2 * max(1, topK))
            return ([Self.csvField(result.path)] + empty + [Self.csvField(error.message)]).joined(separator: ",")
        case (.jsonl, .success(let prediction)):
            var members: [(String, JSONValue)] = [
                ("path", .string(result.path)), ("prediction", .string(prediction.label)),
                ("confidence", .number(prediction.confidence)),
                ("probabilities", .array(prediction.probabilities.map { .number($0) })),
            ]
            if topK > 1 {
                members.append(("top", .array(result.top(topK, labels: labels).map {
                    .object([("label", .string($0.label)), ("probability", .number($0.probability))])
                })))
            }
            return JSONValue.object(members).serialized()
        case (.jsonl, .failure(let error)):
            return JSONValue.object([("path", .string(result.path)), ("error", .string(error.message))]).serialized()
        case (.table, .success(let prediction)):
            let others = result.top(topK, labels: labels).dropFirst().map { "\($0.label) \(Self.percent($0.probability))" }
            return "\(prediction.label)  \(Self.percent(prediction.confidence).leftPadded(7))  \(Self.printable(result.path))"
                + (others.isEmpty ? "" : "  (" + others.joined(separator: ", ") + ")")
        case (.table, .failure(let error)):
            return "-  \("error".leftPadded(7))  \(Self.printable(result.path)): \(error.message)"
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A probability with six decimals, e.g. `0.998576` (faster than `String(format:)`,
    /// which matters at tens of thousands of rows a second).
    static func number(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e12 else { return String(format: "%.6f", value) }
        let micro = Int((value * 1_000_000).rounded())
        let fraction = String(micro % 1_000_000)
        return String(micro / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    static func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value * 100)
    }

    /// A path for a terminal: control characters shown as escapes.
    static func printable(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                output += String(format: "\\x%02X", scalar.value)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
