import FNNImage
import Foundation
import FNNPrediction
import FNNSupport

/// The JSON line written for one input in a results log (`results/INSTANCE.jsonl`, or the
/// single `results/results.jsonl` of fnn before instances): the same content whenever the
/// input is processed again by the same model under the same claim, whichever instance
/// does it (no timestamps, no instance name), and the parsing of those lines back at
/// recovery.
///
/// `file` is the name as a JSON string (U+FFFD for bytes that are not UTF-8), followed by
/// `file_bytes`, its bytes in hexadecimal, only when the name is not UTF-8; `claim` is the
/// claim id the input was processed under.
enum WatchResult {
    /// What was made of one input: one digit, or a row of digits (`--segment`).
    enum Reading {
        case digit(PredictionResult.Prediction)
        case string(StringResult.Reading)

        /// What the outcome records as the prediction: the digit's label, or the digits.
        var text: String {
            switch self {
            case .digit(let prediction): prediction.label
            case .string(let reading): reading.digits
            }
        }
    }

    /// The line for one input: `{"file", "prediction", "confidence", "probabilities", …}`
    /// for a digit, `{"file", "digits", "confidence", "segments", …}` for a row of digits
    /// (the segments as `fnn predict --segment --format jsonl` writes them), `{"file",
    /// "error", "error_code", …}` for an input that could not be read.
    static func json(name: BytePath, claim: String, outcome: Result<Reading, ImageError>, modelDigest: String) -> String {
        let file: [(String, JSONValue)] =
            name.isUTF8 ? [("file", .string(name.lossy))] : [("file", .string(name.lossy)), ("file_bytes", .string(name.hex))]
        let tail: [(String, JSONValue)] = [("model_sha256", .string(modelDigest)), ("claim", .string(claim))]
        switch outcome {
        case .success(.digit(let prediction)):
            return JSONValue.object(file + [
                ("prediction", .string(prediction.label)),
                ("confidence", .number(prediction.confidence)),
                ("probabilities", .array(prediction.probabilities.map { .number($0) })),
            ] + tail).serialized() + "\n"
        case .success(.string(let reading)):
            return JSONValue.object(file + [
                ("digits", .string(reading.digits)), ("confidence", .number(reading.confidence)),
                ("segments", PredictionFormat.segmentsJSON(reading)),
            ] + tail).serialized() + "\n"
        case .failure(let error):
            return JSONValue.object(file + [
                ("error", .string(error.message)), ("error_code", .string(error.code.rawValue)),
            ] + tail).serialized() + "\n"
        }
    }

    /// The outcomes logged in `log` (whole lines) for the claims `claims`, by claim id and
    /// name. Lines that are torn, too long, too deeply nested, not UTF-8, not JSON or not
    /// fnn's are skipped: nothing in the log can make this trap or use unbounded memory.
    static func recorded(in log: [UInt8], claims: Set<String>) -> [String: [BytePath: WatchProcessor.Outcome]] {
        var recorded: [String: [BytePath: WatchProcessor.Outcome]] = [:]
        guard !claims.isEmpty else { return recorded }
        for line in log.split(separator: 0x0A, omittingEmptySubsequences: true) {
            guard let object = JSONLine.object(line),
                let claim = object["claim"] as? String, claims.contains(claim),
                let file = object["file"] as? String
            else { continue }
            let name: BytePath
            if let hex = object["file_bytes"] as? String {
                guard let bytes = BytePath.fromHex(hex) else { continue }
                name = bytes
            } else {
                name = BytePath(file)
            }
            recorded[claim, default: [:]][name] = WatchProcessor.Outcome(
                name: name, prediction: object["prediction"] as? String ?? object["digits"] as? String, error: object["error"] as? String,
                errorCode: object["error_code"] as? String)
        }
        return recorded
    }
}
