import Foundation

/// Reading back one line of JSON Lines that fnn wrote (its results logs and rows), from a
/// file anybody may have edited: bounded in length and nesting before the parser sees it,
/// so nothing in a line can make it trap, recurse deeply or use unbounded memory.
package enum JSONLine {
    /// The longest line looked at; longer ones are not fnn's.
    package static let maximumLength = 1 << 20

    /// The line as a JSON object, or nil when it is too long, too deeply nested, not
    /// UTF-8, not JSON or not an object.
    package static func object(_ line: ArraySlice<UInt8>) -> [String: Any]? {
        guard line.count <= maximumLength, line.first == UInt8(ascii: "{"), nestingIsShallow(line) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
    }

    /// Whether arrays and objects nest at most four deep (fnn's lines nest two deep), so a
    /// hostile line cannot exhaust the parser's stack.
    package static func nestingIsShallow(_ line: ArraySlice<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in line {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > 4 { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return true
    }
}
