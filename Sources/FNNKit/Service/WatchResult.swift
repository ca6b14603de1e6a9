/// The JSON line written for one image in `results/results.jsonl`: the same content
/// whenever the image is processed again by the same model (no timestamps).
enum WatchResult {
    static func json(name: String, result: PredictionResult, modelDigest: String) -> String {
        switch result.outcome {
        case .success(let prediction):
            JSONValue.object([
                ("file", .string(name)), ("prediction", .string(prediction.label)),
                ("confidence", .number(prediction.confidence)),
                ("probabilities", .array(prediction.probabilities.map { .number($0) })),
                ("model_sha256", .string(modelDigest)),
            ]).serialized() + "\n"
        case .failure(let error):
            JSONValue.object([
                ("file", .string(name)), ("error", .string(error.message)), ("error_code", .string(error.code.rawValue)),
                ("model_sha256", .string(modelDigest)),
            ]).serialized() + "\n"
        }
    }
}
