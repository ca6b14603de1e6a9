import FNNSupport

/// One row of results read back: from `fnn predict`'s CSV or JSON Lines output, or from
/// `fnn watch`'s results log. `--resume` reads its own output with it, and `fnn report`
/// merges shards' outputs.
package struct ResultRow: Sendable, Equatable {
    /// The input's path as bytes (for a watch log, its file name).
    package var location: BytePath
    /// The predicted label, or nil when the input could not be classified.
    package var prediction: String?
    /// Why the input could not be classified.
    package var error: String?
    /// Whether it is a row of `fnn predict --segment`, whose prediction is a string of
    /// digits.
    package var isDigitString = false

    /// The kinds of results file.
    package enum Source: Sendable, Equatable {
        /// `fnn predict --format csv`, with the header it was written with.
        case csv(header: String)
        /// `fnn predict --format jsonl`, or `fnn watch`'s results log.
        case jsonLines
    }

    /// The row in one line of a results file, or nil for a line that is not a row (the
    /// CSV header).
    /// - Throws: `ResultRowError` saying what is wrong with the line.
    package static func parse(_ line: ArraySlice<UInt8>, source: Source) throws(ResultRowError) -> ResultRow? {
        switch source {
        case .csv(let header):
            guard let text = String(validating: line, as: UTF8.self) else { throw ResultRowError("the line is not UTF-8") }
            if text == header { return nil }
            let fields = LabelSource.csvFields(text)
            let width = header.split(separator: ",", omittingEmptySubsequences: false).count
            guard fields.count == width else {
                throw ResultRowError("the row has \(fields.count) fields, but the header \(header) has \(width)")
            }
            guard let location = BytePath(unescaping: fields[0]), !location.bytes.isEmpty else {
                throw ResultRowError("the path field \(BytePath.escape(fields[0])) is not an escaped path")
            }
            let error = fields[fields.count - 1]
            let digits = header.hasPrefix(PredictionFormat.csv.stringHeader ?? "")
            if !error.isEmpty {
                return ResultRow(
                    location: location, prediction: nil, error: BytePath(unescaping: error)?.lossy ?? error, isDigitString: digits)
            }
            guard let label = BytePath(unescaping: fields[1])?.lossy, !label.isEmpty else {
                throw ResultRowError("the row has neither a prediction nor an error")
            }
            return ResultRow(location: location, prediction: label, error: nil, isDigitString: digits)
        case .jsonLines:
            guard let object = JSONLine.object(line) else { throw ResultRowError("the line is not a JSON object (or is over 1 MiB or nested too deep)") }
            let key = object["path"] != nil ? "path" : "file"
            guard let text = object[key] as? String else { throw ResultRowError("the object has no \"path\" (or \"file\") string") }
            var location = BytePath(text)
            if let hex = object[key + "_bytes"] {
                guard let hex = hex as? String, let bytes = BytePath.fromHex(hex) else {
                    throw ResultRowError("\"\(key)_bytes\" is not a hexadecimal string")
                }
                location = bytes
            }
            let digits = object["digits"] != nil || object["segments"] != nil
            if let error = object["error"] {
                guard let error = error as? String else { throw ResultRowError("\"error\" is not a string") }
                return ResultRow(location: location, prediction: nil, error: error, isDigitString: digits)
            }
            if digits {
                guard let read = object["digits"] as? String else { throw ResultRowError("\"digits\" is not a string") }
                return ResultRow(location: location, prediction: read, error: nil, isDigitString: true)
            }
            guard let label = object["prediction"] as? String else {
                throw ResultRowError("the object has neither a \"prediction\" string nor an \"error\"")
            }
            return ResultRow(location: location, prediction: label, error: nil)
        }
    }

    /// What kind of results file starts with `firstLine`: JSON Lines when it is an
    /// object, CSV when it is a CSV header of fnn's (of digits or, `--segment`, of rows of
    /// digits); nil otherwise (a table, another
    /// program's file).
    package static func source(firstLine: ArraySlice<UInt8>) -> Source? {
        if firstLine.first == UInt8(ascii: "{") { return .jsonLines }
        guard let text = String(validating: firstLine, as: UTF8.self),
            text.hasPrefix("path,prediction,confidence") || text.hasPrefix("path,digits,confidence"), text.hasSuffix(",error")
        else { return nil }
        return .csv(header: text)
    }

    /// Reads every row of the results file at `path`, in order.
    ///
    /// - Parameters:
    ///   - expected: the kind the file must be (for `--resume`, the format being
    ///     written); nil to take it from the first line.
    ///   - body: called with each row and the offset just after its line.
    /// - Returns: the offset just after the last whole line (a torn last line, cut off
    ///   mid-write, is not read), and the kind of file (nil when it is empty).
    @discardableResult
    package static func read(
        _ path: String, expecting expected: Source? = nil, _ body: (ResultRow) throws(ResultRowError) -> Void
    ) throws(ResultRowError) -> (wholeLinesEnd: Int, source: Source?) {
        let reader: LineReader
        do { reader = try LineReader(path, maximumLineLength: JSONLine.maximumLength) } catch {
            throw ResultRowError(error.message, path: path)
        }
        var source = expected
        var number = 0
        var end = 0
        var failure: ResultRowError?
        do throws(FileAccessError) {
            try reader.forEachLine { line throws(FileAccessError) in
                guard line.terminated else { return false }
                number += 1
                do throws(ResultRowError) {
                    if line.tooLong { throw ResultRowError("the line is over \(JSONLine.maximumLength) bytes") }
                    if source == nil {
                        guard let found = Self.source(firstLine: line.bytes) else {
                            throw ResultRowError("not a results file of fnn (neither a CSV with fnn's header nor JSON Lines)")
                        }
                        source = found
                    }
                    if number == 1, case .csv(let header)? = source, line.bytes.elementsEqual(header.utf8) == false {
                        throw ResultRowError("the CSV header is not \(header): the file was written with other options")
                    }
                    if let source, let row = try parse(line.bytes, source: source) { try body(row) }
                } catch {
                    var located = error
                    located.path = path
                    located.line = located.line ?? number
                    failure = located
                    return false
                }
                end = line.offset + line.bytes.count + 1
                return true
            }
        } catch {
            throw ResultRowError(error.message, path: path)
        }
        if let failure { throw failure }
        return (end, source)
    }
}

/// A results file that cannot be read back: what is wrong, and where.
package struct ResultRowError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package var path: String?
    /// The line, counting from 1.
    package var line: Int?

    package init(_ message: String, path: String? = nil, line: Int? = nil) {
        self.message = message
        self.path = path
        self.line = line
    }

    package var description: String {
        [path, line.map { "line \($0)" }].compactMap { $0 }.joined(separator: ", ") + (path == nil && line == nil ? "" : ": ") + message
    }
}
