import FNNModel
import FNNSupport

/// A streaming reader for the JSON that network2.py saves, written for that one schema so
/// that no document tree is built: numbers go straight into flat `[Double]` arrays, every
/// size is checked as it is read (against `sizes` when it came first, as network2.py writes
/// it, and against the format's limits otherwise), and every error names the line, column
/// and byte offset where the text went wrong.
///
/// Memory is bounded by the file: each number costs 8 bytes and takes at least two bytes
/// of text (a digit and a separator), so the parameters take at most 4 × the file's size.
struct Network2JSONReader {
    /// A network2.py document, its matrices flattened row by row.
    struct Document {
        var sizes: [Int]
        /// Per layer: the rows, each the numbers of one row.
        var weights: [Matrix]
        var biases: [Matrix]
        var cost: String
    }

    /// A list of rows of numbers, flattened, with each row's length.
    struct Matrix {
        var values: [Double] = []
        var rowLengths: [Int] = []
    }

    /// A failure: what was expected, and where.
    struct Failure: Error {
        var message: String
        var offset: Int
    }

    private let bytes: [UInt8]
    private var position = 0
    /// The deepest nesting accepted in values network2.py does not write.
    private static let maximumDepth = 64

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The line and column (both from 1) of a byte offset.
    static func location(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[0..<min(offset, bytes.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// Reads the whole document.
    mutating func read() throws(Failure) -> Document {
        var sizes: [Int]?
        var weights: [Matrix]?
        var biases: [Matrix]?
        var cost: String?
        skipSpace()
        if position == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            position = 3
            skipSpace()
        }
        try readObject("a JSON object ({)") { (reader: inout Network2JSONReader, key: String, keyOffset: Int) throws(Failure) in
            func once<T>(_ value: T?) throws(Failure) {
                if value != nil { throw Failure(message: "\"\(key)\" appears twice", offset: keyOffset) }
            }
            switch key {
            case "sizes":
                try once(sizes)
                sizes = try reader.readSizes()
            case "weights":
                try once(weights)
                weights = try reader.readLayers(name: "weights", sizes: sizes, isBias: false)
            case "biases":
                try once(biases)
                biases = try reader.readLayers(name: "biases", sizes: sizes, isBias: true)
            case "cost":
                try once(cost)
                cost = try reader.readString()
            default:
                try reader.skipValue(depth: 0)
            }
        }
        skipSpace()
        guard position == bytes.count else {
            throw Failure(message: "text follows the end of the JSON object", offset: position)
        }
        for (name, present) in [("sizes", sizes != nil), ("weights", weights != nil), ("biases", biases != nil), ("cost", cost != nil)]
        where !present {
            throw Failure(message: "\"\(name)\" is missing (network2.py JSON has sizes, weights, biases and cost)", offset: 0)
        }
        return Document(sizes: sizes ?? [], weights: weights ?? [], biases: biases ?? [], cost: cost ?? "")
    }

    // MARK: The schema

    private mutating func readSizes() throws(Failure) -> [Int] {
        var sizes: [Int] = []
        try readArray("\"sizes\" to be a list of layer sizes") { (reader: inout Network2JSONReader) throws(Failure) in
            let offset = reader.position
            let number = try reader.readNumber()
            guard number == number.rounded(), ModelFileLimits.layerSize.contains(Int(exactly: number) ?? 0) else {
                throw Failure(message: "sizes[\(sizes.count)] is \(number), not a layer size in 1…65536", offset: offset)
            }
            guard sizes.count <= ModelFileLimits.layers.upperBound else {
                throw Failure(message: "\"sizes\" lists more than 65 layer sizes", offset: offset)
            }
            sizes.append(Int(number))
        }
        return sizes
    }

    /// `weights` or `biases`: one matrix per layer, each a list of rows of numbers (a bias
    /// row holds one number).
    private mutating func readLayers(name: String, sizes: [Int]?, isBias: Bool) throws(Failure) -> [Matrix] {
        var layers: [Matrix] = []
        var parameters = 0
        try readArray("\"\(name)\" to be a list of matrices") { (reader: inout Network2JSONReader) throws(Failure) in
            let layer = layers.count
            guard layer < ModelFileLimits.layers.upperBound else {
                throw Failure(message: "\"\(name)\" holds more than 64 matrices", offset: reader.position)
            }
            let rows = sizes.flatMap { layer + 1 < $0.count ? $0[layer + 1] : nil }
            let columns = isBias ? 1 : sizes.flatMap { layer + 1 < $0.count ? $0[layer] : nil }
            if sizes != nil, rows == nil {
                throw Failure(message: "\"\(name)\" holds more matrices than \"sizes\" has layers", offset: reader.position)
            }
            var matrix = Matrix()
            let label = "\(name)[\(layer)]"
            try reader.readArray("\(label) to be a list of rows") { (reader: inout Network2JSONReader) throws(Failure) in
                let row = matrix.rowLengths.count
                let rowLimit = rows ?? ModelFileLimits.layerSize.upperBound
                guard row < rowLimit else {
                    throw Failure(message: "\(label) has more than \(rowLimit) rows", offset: reader.position)
                }
                var length = 0
                try reader.readArray("\(label)[\(row)] to be a list of numbers") { (reader: inout Network2JSONReader) throws(Failure) in
                    let columnLimit = columns ?? ModelFileLimits.layerSize.upperBound
                    guard length < columnLimit else {
                        throw Failure(message: "\(label)[\(row)] has more than \(columnLimit) numbers", offset: reader.position)
                    }
                    guard parameters < ModelFileLimits.maximumTensorElements else {
                        throw Failure(message: "\"\(name)\" holds more than 2^28 numbers", offset: reader.position)
                    }
                    let offset = reader.position
                    let number = try reader.readNumber()
                    guard number.isFinite else {
                        throw Failure(message: "\(label)[\(row)][\(length)] is not a finite number", offset: offset)
                    }
                    matrix.values.append(number)
                    length += 1
                    parameters += 1
                }
                matrix.rowLengths.append(length)
            }
            layers.append(matrix)
        }
        return layers
    }

    // MARK: JSON syntax

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard peek() == byte else { throw unexpected(what) }
        position += 1
    }

    private func unexpected(_ what: String) -> Failure {
        guard let byte = peek() else {
            return Failure(message: "the text ends where \(what) was expected (truncated file)", offset: position)
        }
        let shown = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(hex8(byte))"
        return Failure(message: "expected \(what), found \(shown)", offset: position)
    }

    /// Reads `{ "key": value, … }`, calling `member` with the reader at each value, the
    /// key and the key's offset.
    private mutating func readObject(
        _ what: String, _ member: (inout Network2JSONReader, String, Int) throws(Failure) -> Void
    ) throws(Failure) {
        try expect(UInt8(ascii: "{"), what)
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipSpace()
            let keyOffset = position
            let key = try readString()
            skipSpace()
            try expect(UInt8(ascii: ":"), "':' after the key")
            skipSpace()
            try member(&self, key, keyOffset)
            skipSpace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in the object")
            return
        }
    }

    /// Reads `[ element, … ]`, calling `element` with the reader at each element.
    private mutating func readArray(
        _ what: String, _ element: (inout Network2JSONReader) throws(Failure) -> Void
    ) throws(Failure) {
        try expect(UInt8(ascii: "["), what)
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            skipSpace()
            try element(&self)
            skipSpace()
            if peek() == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']' in the list")
            return
        }
    }

    /// A JSON number (RFC 8259 grammar), or `NaN`/`Infinity`, which Python's `json` writes
    /// for non-finite floats.
    private mutating func readNumber() throws(Failure) -> Double {
        let start = position
        for word in ["NaN", "Infinity", "-Infinity"] where bytes[position...].starts(with: word.utf8) {
            position += word.utf8.count
            return word == "NaN" ? .nan : word == "Infinity" ? .infinity : -.infinity
        }
        if peek() == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let first = position
            while let byte = peek(), (0x30...0x39).contains(byte) { position += 1 }
            return position - first
        }
        guard digits() > 0 else {
            position = start
            throw unexpected("a number")
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw unexpected("a digit after the decimal point") }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw unexpected("a digit in the exponent") }
        }
        guard position - start <= 400 else {
            throw Failure(message: "a number of \(position - start) characters is too long", offset: start)
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else { throw Failure(message: "\(text) is not a number", offset: start) }
        return value
    }

    private mutating func readString() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""), "a string")
        var scalars = String.UnicodeScalarView()
        let start = position
        while true {
            guard let byte = peek() else { throw unexpected("the end of the string (\")") }
            guard position - start <= ModelFileLimits.maximumStringBytes else {
                throw Failure(message: "a string is over 1 MiB", offset: start)
            }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                position += 1
                guard let escaped = peek() else { throw unexpected("an escape") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escaped))
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                        let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
                    else { throw Failure(message: "a \\u escape needs four hex digits", offset: position - 2) }
                    position += 4
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    throw Failure(message: "unknown escape \\\(Character(Unicode.Scalar(escaped)))", offset: position - 2)
                }
            case 0..<0x20:
                throw Failure(message: "a control character inside a string", offset: position)
            default:
                // Multi-byte UTF-8 is validated as a whole sequence.
                let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                guard position + length <= bytes.count,
                    let text = String(validating: bytes[position..<(position + length)], as: UTF8.self)
                else { throw Failure(message: "a string is not valid UTF-8", offset: position) }
                scalars.append(contentsOf: text.unicodeScalars)
                position += length
            }
        }
    }

    /// Skips any JSON value, to a bounded depth.
    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth < Self.maximumDepth else {
            throw Failure(message: "values are nested more than \(Self.maximumDepth) deep", offset: position)
        }
        skipSpace()
        switch peek() {
        case UInt8(ascii: "{"):
            try readObject("an object") { (reader: inout Network2JSONReader, _: String, _: Int) throws(Failure) in
                try reader.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try readArray("a list") { (reader: inout Network2JSONReader) throws(Failure) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            _ = try readString()
        default:
            for word in ["true", "false", "null"] where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return
            }
            _ = try readNumber()
        }
    }
}
