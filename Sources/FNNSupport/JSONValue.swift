import Foundation

/// A JSON document built in code, for `--json` output with a stable key order.
package indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// Non-finite numbers are written as `null`.
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys keep their order.
    case object([(String, JSONValue)])

    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// An optional number, `null` when absent.
    package static func number(_ value: Double?) -> JSONValue {
        value.map { .number($0) } ?? .null
    }

    /// Compact or indented JSON text.
    package func serialized(indent: Int? = nil) -> String {
        var text = ""
        write(into: &text, indent: indent, depth: 0)
        return text
    }

    private func write(into text: inout String, indent: Int?, depth: Int) {
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (depth + 1)) } ?? ""
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * depth) } ?? ""
        let separator = indent == nil ? "," : ","
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .int(let value): text += String(value)
        case .number(let value):
            if !value.isFinite {
                text += "null"
            } else if value == value.rounded(), value.magnitude < 1e15 {
                text += String(format: "%.1f", value)
            } else {
                text += "\(value)"
            }
        case .string(let value): text += Self.quoted(value)
        case .array(let values):
            if values.isEmpty { text += "[]"; return }
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += separator }
                text += newline
                value.write(into: &text, indent: indent, depth: depth + 1)
            }
            text += closing + "]"
        case .object(let members):
            if members.isEmpty { text += "{}"; return }
            text += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { text += separator }
                text += newline + Self.quoted(key) + (indent == nil ? ":" : ": ")
                value.write(into: &text, indent: indent, depth: depth + 1)
            }
            text += closing + "}"
        }
    }

    /// A JSON string literal, escaping quotes, backslashes and control characters.
    package static func quoted(_ value: String) -> String {
        // Most strings (names, labels, digests, base64) need no escape: one append.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            return "\"" + value + "\""
        }
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20 || control.value == 0x7F:
                text += String(format: "\\u%04x", control.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
