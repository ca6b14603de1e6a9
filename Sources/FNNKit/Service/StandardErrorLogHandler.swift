import Foundation
import Logging

/// Log lines on standard error, as text for people or as one JSON object per line for
/// log collectors.
public struct StandardErrorLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format

    public init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let time = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        let line: String
        switch format {
        case .text:
            let pairs = fields.keys.sorted().map { "\($0)=\(fields[$0].map { "\($0)" } ?? "")" }
            line = "\(time) \(event.level.rawValue.uppercased()) \(event.message)" + (pairs.isEmpty ? "" : " " + pairs.joined(separator: " "))
        case .json:
            var members: [(String, JSONValue)] = [
                ("time", .string(time)), ("level", .string(event.level.rawValue)), ("logger", .string(label)),
                ("message", .string("\(event.message)")),
            ]
            for key in fields.keys.sorted() { members.append((key, .string(fields[key].map { "\($0)" } ?? ""))) }
            line = JSONValue.object(members).serialized()
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
