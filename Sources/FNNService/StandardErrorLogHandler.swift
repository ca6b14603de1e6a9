import Foundation
import Logging
import FNNModel
import FNNSupport

/// Log lines on standard error, as text for people or as one JSON object per line for
/// log collectors.
///
/// Nothing logged can forge a line or reach the terminal as a control: in text, the
/// message and every value are escaped as `BytePath` documents (`\\`, `\xHH` for control
/// characters and for bytes that are not UTF-8), and a value holding a space, a quote or
/// `=` is quoted (`key="a b"`, with `\"` inside). In JSON, strings are JSON-escaped; a
/// `BytePath` value that is not UTF-8 is written with U+FFFD and followed by
/// `KEY_bytes`, its bytes in hexadecimal.
package struct StandardErrorLogHandler: LogHandler {
    package enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    private let label: String
    private let format: Format

    package init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let time = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        let line: String
        switch format {
        case .text:
            let pairs = fields.keys.sorted().map { key in
                "\(BytePath.escape(key))=\(Self.textValue(fields[key]))"
            }
            line = "\(time) \(event.level.rawValue.uppercased()) \(BytePath.escape("\(event.message)"))"
                + (pairs.isEmpty ? "" : " " + pairs.joined(separator: " "))
        case .json:
            var members: [(String, JSONValue)] = [
                ("time", .string(time)), ("level", .string(event.level.rawValue)), ("logger", .string(label)),
                ("message", .string("\(event.message)")),
            ]
            for key in fields.keys.sorted() {
                if case .stringConvertible(let value) = fields[key], let path = value as? BytePath {
                    members.append((key, .string(path.lossy)))
                    if !path.isUTF8 { members.append((key + "_bytes", .string(path.hex))) }
                } else {
                    members.append((key, .string(fields[key].map { "\($0)" } ?? "")))
                }
            }
            line = JSONValue.object(members).serialized()
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// A metadata value for a text line: escaped, and quoted when it holds a space, a
    /// quote or `=`.
    static func textValue(_ value: Logger.MetadataValue?) -> String {
        let escaped: String
        if case .stringConvertible(let convertible) = value, let path = convertible as? BytePath {
            escaped = path.escaped
        } else {
            escaped = BytePath.escape(value.map { "\($0)" } ?? "")
        }
        guard escaped.isEmpty || escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return escaped }
        return "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
