import FNNModel
import FNNSupport

extension ModelInspection {
    /// The report as JSON, for `fnn inspect --json`.
    package func json(path: String) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("path", .string(path)),
            ("intact", .bool(isIntact)),
            ("bytes", .int(byteCount)),
            ("format_version", formatVersion.map { .int($0) } ?? .null),
            ("minimum_reader_version", minimumReaderVersion.map { .int($0) } ?? .null),
        ]
        members.append(("error", error.map(Self.json(of:)) ?? .null))
        members.append(("checksums", .array(checks.map { check in
            .object([
                ("name", .string(check.name)), ("offset", .int(check.offset)), ("covers", .string(check.covers)),
                ("stored", .string(check.stored)), ("computed", .string(check.computed)),
                ("ok", .bool(check.matches)),
            ])
        })))
        members.append(("chunks", .array(chunks.map { chunk in
            .object([
                ("type", .string(chunk.type)), ("offset", .int(chunk.offset)), ("length", .int(chunk.length)),
                ("critical", .bool(chunk.isCritical)), ("crc_ok", .bool(chunk.crcMatches)),
            ])
        })))
        members.append(("model", model.map(Self.json(of:)) ?? .null))
        return .object(members)
    }

    static func json(of error: ModelFileError) -> JSONValue {
        .object([
            ("code", .string(error.code.rawValue)), ("message", .string(error.message)),
            ("offset", error.offset.map { .int($0) } ?? .null), ("chunk", error.chunk.map { .string($0) } ?? .null),
        ])
    }

    static func json(of model: Model) -> JSONValue {
        func statistics(_ tensor: Tensor) -> JSONValue {
            let stats = tensor.statistics()
            return .object([
                ("type", .string(tensor.numberType.rawValue)), ("rows", .int(tensor.rows)),
                ("columns", .int(tensor.columns)), ("min", .number(stats.minimum)), ("max", .number(stats.maximum)),
                ("mean", .number(stats.mean)), ("std", .number(stats.standardDeviation)),
            ] + (tensor.numberType == .int8 ? [("scale", .number(Double(tensor.scale)))] : []))
        }
        func entries(_ dictionary: [String: TypedValue]) -> JSONValue {
            .object(dictionary.keys.sorted().compactMap { key in dictionary[key].map { (key, $0.json) } })
        }
        return .object([
            ("sizes", .array(model.sizes.map { .int($0) })),
            ("cost", .string(model.cost.rawValue)),
            ("parameters", .int(model.parameterCount)),
            ("layers", .array(model.layers.enumerated().map { index, layer in
                .object([
                    ("layer", .int(index + 1)), ("inputs", .int(layer.inputSize)), ("outputs", .int(layer.outputSize)),
                    ("activation", .string(layer.activation.rawValue)), ("parameters", .int(layer.parameterCount)),
                    ("weights", statistics(layer.weights)), ("biases", statistics(layer.biases)),
                ])
            })),
            ("hyperparameters", entries(model.hyperparameters.entries)),
            ("metadata", entries(model.metadata.entries)),
            ("history", .array(model.history.map { record in
                .object([
                    ("epoch", .int(record.epoch)), ("train_cost", .number(record.trainingCost)),
                    ("train_accuracy", .number(record.trainingAccuracy)),
                    ("validation_accuracy", .number(record.validationAccuracy)),
                    ("learning_rate", .number(record.learningRate)), ("seconds", .number(record.seconds)),
                ])
            })),
            ("optimizer_state", .bool(model.optimizerState != nil)),
            ("unknown_chunks", .array(model.unknownChunks.map { .string($0.type) })),
        ])
    }
}
