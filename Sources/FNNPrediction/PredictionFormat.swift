import FNNImage
import Foundation
import FNNSupport

/// How `fnn predict` writes its rows.
///
/// Paths are written so that every row stays one line and every path can be recovered
/// byte for byte:
/// - CSV and table: the path, the labels and the error are escaped as `BytePath`
///   documents (`\\` for a backslash, `\xHH` for a control character or a byte that is
///   not UTF-8), so no field holds a line break or a terminal control; CSV fields are then
///   quoted as RFC 4180 says when they hold a comma or a quote.
/// - JSON Lines: `path` is the path as a JSON string (U+FFFD for bytes that are not
///   UTF-8, control characters as `\u00XX`), and `path_bytes`, the hexadecimal bytes of
///   the path, follows it only when the path is not valid UTF-8.
package enum PredictionFormat: String, Sendable, CaseIterable {
    /// `path,prediction,confidence,error` (RFC 4180 quoting; `error` is empty for a
    /// classified image, and the other fields are empty for one that failed).
    case csv
    /// One JSON object per line.
    case jsonl
    /// Aligned columns for people.
    case table

    /// The header line, if the format has one.
    package func header(topK: Int) -> String? {
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
    package func line(_ result: PredictionResult, topK: Int, labels: (Int) -> String) -> String {
        switch (self, result.outcome) {
        case (.csv, .success(let prediction)):
            var fields = [Self.csvPath(result.location), Self.csvText(prediction.label), Self.number(prediction.confidence)]
            for entry in result.top(topK, labels: labels).dropFirst() {
                fields += [Self.csvText(entry.label), Self.number(entry.probability)]
            }
            return (fields + [""]).joined(separator: ",")
        case (.csv, .failure(let error)):
            let empty = [String](repeating: "", count: 2 * max(1, topK))
            return ([Self.csvPath(result.location)] + empty + [Self.csvText(error.message)]).joined(separator: ",")
        case (.jsonl, .success(let prediction)):
            var members = Self.jsonPath(result.location) + [
                ("prediction", .string(prediction.label)),
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
            return JSONValue.object(Self.jsonPath(result.location) + [("error", .string(error.message))]).serialized()
        case (.table, .success(let prediction)):
            let others = result.top(topK, labels: labels).dropFirst().map { "\(Self.printable($0.label)) \(Self.percent($0.probability))" }
            return "\(Self.printable(prediction.label))  \(Self.percent(prediction.confidence).leftPadded(7))  \(result.location.escaped)"
                + (others.isEmpty ? "" : "  (" + others.joined(separator: ", ") + ")")
        case (.table, .failure(let error)):
            return "-  \("error".leftPadded(7))  \(result.location.escaped): \(Self.printable(error.message))"
        }
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    package static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A path as a CSV field: escaped (see the type's documentation), then quoted.
    static func csvPath(_ path: BytePath) -> String {
        csvField(path.escaped)
    }

    /// Text (a label, an error message) as a CSV field: escaped, then quoted.
    static func csvText(_ text: String) -> String {
        csvField(BytePath.escape(text))
    }

    /// The `path` member, and `path_bytes` when the path is not UTF-8.
    static func jsonPath(_ path: BytePath, key: String = "path") -> [(String, JSONValue)] {
        path.isUTF8 ? [(key, .string(path.lossy))] : [(key, .string(path.lossy)), (key + "_bytes", .string(path.hex))]
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

    /// Text for a terminal: backslashes and control characters escaped (`BytePath`).
    static func printable(_ text: String) -> String {
        BytePath.escape(text)
    }
}
