/// A file path or name kept as the bytes the system gave, so that names that are not
/// UTF-8 (`caf\xE9.png`) are opened, renamed and reported without loss. (A Swift
/// `String` would turn each such byte into U+FFFD, and two different names into one.)
///
/// Written for people and for text formats with `escaped`, an escaping that can be
/// undone exactly:
/// - a backslash is written `\\`;
/// - a byte that is not part of valid UTF-8 is written `\xHH` (two upper-case hex digits);
/// - a control character (U+0000–U+001F, U+007F, U+0080–U+009F) is written as its UTF-8
///   bytes in `\xHH` form (a newline is `\x0A`, ESC is `\x1B`);
/// - every other character is written as itself.
/// Reading `\\` as a backslash, `\xHH` as the byte HH and anything else as its UTF-8
/// bytes gives back the original bytes.
package struct BytePath: Hashable, Sendable, Comparable, CustomStringConvertible {
    package var bytes: [UInt8]

    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    package init(_ string: String) {
        self.bytes = Array(string.utf8)
    }

    /// The path as a `String` when it is valid UTF-8, else `nil`.
    package var string: String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// The path as a `String`, with U+FFFD for bytes that are not UTF-8: for display and
    /// for matching, never for opening the file.
    package var lossy: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the bytes are valid UTF-8.
    package var isUTF8: Bool { string != nil }

    /// The bytes as lower-case hexadecimal, for the `*_bytes` fields of JSON output.
    package var hex: String { SHA256Digest.hex(bytes) }

    /// The bytes of a hexadecimal string, or `nil` if it is not one.
    package static func fromHex(_ text: String) -> BytePath? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return BytePath(bytes: bytes)
    }

    /// The bytes that `escaped` text stands for: `\\` is a backslash, `\xHH` the byte HH,
    /// anything else its UTF-8 bytes. `nil` when the text is not such an escaping (a lone
    /// backslash, `\x` without two hexadecimal digits, a raw control character).
    package init?(unescaping text: String) {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard byte == UInt8(ascii: "\\") else {
                guard byte >= 0x20, byte != 0x7F else { return nil }
                bytes.append(byte)
                index += 1
                continue
            }
            guard index + 1 < input.count else { return nil }
            if input[index + 1] == UInt8(ascii: "\\") {
                bytes.append(byte)
                index += 2
            } else if input[index + 1] == UInt8(ascii: "x"), index + 3 < input.count,
                let value = Self.fromHex(String(decoding: input[(index + 2)...(index + 3)], as: UTF8.self))?.bytes.first
            {
                bytes.append(value)
                index += 4
            } else {
                return nil
            }
        }
        self.bytes = bytes
    }

    /// The path escaped for text output (see the type's documentation).
    package var escaped: String {
        Self.escape(bytes)
    }

    package var description: String { escaped }

    /// `self/component`.
    package func appending(_ component: BytePath) -> BytePath {
        var joined = bytes
        if !joined.isEmpty, joined.last != UInt8(ascii: "/") { joined.append(UInt8(ascii: "/")) }
        joined += component.bytes
        return BytePath(bytes: joined)
    }

    /// The last component (the whole path when it has no slash).
    package var lastComponent: BytePath {
        var trimmed = bytes[...]
        while trimmed.count > 1, trimmed.last == UInt8(ascii: "/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: UInt8(ascii: "/")), slash != trimmed.index(before: trimmed.endIndex) else {
            return BytePath(bytes: Array(trimmed))
        }
        return BytePath(bytes: Array(trimmed[trimmed.index(after: slash)...]))
    }

    /// Whether the name ends with `suffix`, ignoring ASCII case.
    package func hasSuffixIgnoringCase(_ suffix: String) -> Bool {
        let tail = Array(suffix.utf8)
        guard bytes.count >= tail.count else { return false }
        return zip(bytes.suffix(tail.count), tail).allSatisfy { Self.lowercased($0) == Self.lowercased($1) }
    }

    /// Calls `body` with the path as a NUL-terminated C string. A path holding a NUL byte
    /// cannot name a file: `body` gets the empty string, which no call accepts.
    package func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        let terminated = bytes.contains(0) ? [CChar(0)] : bytes.map { CChar(bitPattern: $0) } + [0]
        // The array is passed as a pointer to its elements for the length of the call.
        return try body(terminated)
    }

    package static func < (lhs: BytePath, rhs: BytePath) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Escapes a `String` for text output by the same rules as a path.
    package static func escape(_ text: String) -> String {
        escape(Array(text.utf8))
    }

    /// Escapes bytes for text output (see the type's documentation).
    package static func escape(_ bytes: [UInt8]) -> String {
        var output = ""
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        // Bytes already consumed by the parser but not yet written, for error spans.
        var position = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                let value = scalar.value
                if value == 0x5C {
                    output += "\\\\"
                } else if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) {
                    for byte in encoded { output += hexEscape(byte) }
                } else {
                    output.unicodeScalars.append(scalar)
                }
                position += encoded.count
            case .error(let length):
                for offset in 0..<length where position + offset < bytes.count {
                    output += hexEscape(bytes[position + offset])
                }
                position += length
            case .emptyInput:
                return output
            }
        }
    }

    private static func hexEscape(_ byte: UInt8) -> String {
        let digits: [Character] = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
