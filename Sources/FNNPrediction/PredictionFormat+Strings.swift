import FNNImage
import FNNSupport

extension PredictionFormat {
    /// The header line of `--segment` rows, if the format has one: `path,digits,confidence,error`.
    package var stringHeader: String? {
        self == .csv ? "path,digits,confidence,error" : nil
    }

    /// The line for one row of digits (`--segment`).
    ///
    /// - CSV: `path,digits,confidence,error`, the confidence the lowest of the digits'.
    /// - JSON Lines: `{"path", "digits", "confidence", "segments": [{"x", "y", "width",
    ///   "height", "prediction", "confidence"}, …]}`, with `"touching": true` on a digit
    ///   cut out of touching ink; `{"path", "error", "error_code"}` for an image that could
    ///   not be read.
    /// - Table: the digits, the confidence and the path.
    package func line(_ result: StringResult) -> String {
        switch (self, result.outcome) {
        case (.csv, .success(let reading)):
            return [Self.csvPath(result.location), Self.csvText(reading.digits), Self.number(reading.confidence), ""]
                .joined(separator: ",")
        case (.csv, .failure(let error)):
            return [Self.csvPath(result.location), "", "", Self.csvText(error.message)].joined(separator: ",")
        case (.jsonl, .success(let reading)):
            return JSONValue.object(Self.jsonPath(result.location) + [
                ("digits", .string(reading.digits)), ("confidence", .number(reading.confidence)), ("segments", Self.segmentsJSON(reading)),
            ]).serialized()
        case (.jsonl, .failure(let error)):
            return JSONValue.object(
                Self.jsonPath(result.location) + [("error", .string(error.message)), ("error_code", .string(error.code.rawValue))]
            ).serialized()
        case (.table, .success(let reading)):
            return "\(Self.column(Self.printable(reading.digits)))  \(Self.percent(reading.confidence).leftPadded(7))  \(result.location.escaped)"
        case (.table, .failure(let error)):
            return "\(Self.column("-"))  \("error".leftPadded(7))  \(result.location.escaped): \(Self.printable(error.message))"
        }
    }

    /// The `segments` array of a row's JSON line: `{"x", "y", "width", "height",
    /// "prediction", "confidence"}` per digit, left to right, with `"touching": true` on a
    /// digit cut out of touching ink (also written by fnn watch --segment).
    package static func segmentsJSON(_ reading: StringResult.Reading) -> JSONValue {
        .array(reading.segments.map { segment -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("x", .int(segment.box.minX)), ("y", .int(segment.box.minY)), ("width", .int(segment.box.width)),
                ("height", .int(segment.box.height)), ("prediction", .string(segment.prediction.label)),
                ("confidence", .number(segment.prediction.confidence)),
            ]
            if segment.touching { members.append(("touching", .bool(true))) }
            return .object(members)
        })
    }

    /// The digits' column of a table: 12 wide (a row holds up to 12 digits), left-aligned.
    private static func column(_ text: String) -> String {
        text.count >= 12 ? text : text + String(repeating: " ", count: 12 - text.count)
    }
}
