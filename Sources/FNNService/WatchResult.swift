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
    static func json(name: BytePath, claim: String, result: PredictionResult, modelDigest: String) -> String {
        let file: [(String, JSONValue)] =
            name.isUTF8 ? [("file", .string(name.lossy))] : [("file", .string(name.lossy)), ("file_bytes", .string(name.hex))]
        switch result.outcome {
        case .success(let prediction):
            return JSONValue.object(file + [
                ("prediction", .string(prediction.label)),
                ("confidence", .number(prediction.confidence)),
                ("probabilities", .array(prediction.probabilities.map { .number($0) })),
                ("model_sha256", .string(modelDigest)), ("claim", .string(claim)),
            ]).serialized() + "\n"
        case .failure(let error):
            return JSONValue.object(file + [
                ("error", .string(error.message)), ("error_code", .string(error.code.rawValue)),
                ("model_sha256", .string(modelDigest)), ("claim", .string(claim)),
            ]).serialized() + "\n"
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
                name: name, prediction: object["prediction"] as? String, error: object["error"] as? String,
                errorCode: object["error_code"] as? String)
        }
        return recorded
    }
}
