import Foundation
import FNNSupport

/// Where the true labels of images come from, for the accuracy report.
package enum LabelSource: Sendable {
    /// A CSV file of `path,label` rows (a header row is allowed), or, for `--segment`,
    /// `path,digits` rows.
    case file([String: String])
    /// The name of each image's folder (`0` … `9`).
    case folders

    /// Reads a labels CSV.
    package static func load(_ path: String) throws -> LabelSource {
        let bytes = try FileBytes.read(path, limit: 256 << 20)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileAccessError(path: path, message: "is not UTF-8 text")
        }
        var labels: [String: String] = [:]
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = Self.csvFields(String(line))
            guard fields.count == 2 else {
                throw FileAccessError(path: path, message: "line \(number + 1) does not have the two fields path,label")
            }
            if number == 0 && (fields == ["path", "label"] || fields == ["path", "digits"]) { continue }
            labels[fields[0]] = fields[1]
            labels[URL(fileURLWithPath: fields[0]).standardizedFileURL.path] = fields[1]
        }
        return .file(labels)
    }

    /// The label of the image at `path`, if known.
    package func label(of path: String) -> String? {
        switch self {
        case .file(let labels):
            return labels[path] ?? labels[URL(fileURLWithPath: path).standardizedFileURL.path]
        case .folders:
            guard let last = path.lastIndex(of: "/") else { return nil }
            let folder = path[..<last]
            let start = folder.lastIndex(of: "/").map { folder.index(after: $0) } ?? folder.startIndex
            return String(folder[start...])
        }
    }

    /// The fields of one CSV line, with RFC 4180 quotes removed.
    package static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
