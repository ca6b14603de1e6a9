import FNNModel
import FNNSupport

extension ModelFileV2 {
    /// Writes `model` as version 2 in the canonical chunk order.
    ///
    /// - Throws: `ModelConversionError` when the model breaks a rule of the format
    ///   (shapes that do not chain, softmax on a hidden layer, a limit, a non-finite value).
    static func write(_ model: Model) throws(ModelConversionError) -> [UInt8] {
        let problems = Self.problems(model)
        guard problems.isEmpty else {
            throw ModelConversionError(problems: problems, target: "format version 2")
        }
        let architecture = Architecture(
            inputSize: model.inputSize, cost: model.cost,
            layers: model.layers.map { .init(outputSize: $0.outputSize, activation: $0.activation) })

        var writer = ByteWriter(reservingCapacity: 4096 + 8 * model.parameterCount)
        writer.write(bytes: ModelFileLayout.version2Signature)
        writer.write(ModelFileLayout.littleEndian)
        writer.write(UInt8(0))
        writer.write(UInt16(ModelFileLayout.newestVersion))
        writer.write(UInt16(2))
        writer.write(UInt16(0))
        writer.write(UInt32(0))
        writer.write(Zlib.crc32(writer.bytes))

        writeChunk("ARCH", to: &writer) { architecture.write(to: &$0) }
        for (index, layer) in model.layers.enumerated() {
            writeTensorChunk("TENS", layer.weights, TensorKey(layer: index, role: .weights), to: &writer)
            writeTensorChunk("TENS", layer.biases, TensorKey(layer: index, role: .biases), to: &writer)
        }
        let hyperparameters = model.hyperparameters.entries
        if !hyperparameters.isEmpty {
            writeChunk("hyps", to: &writer) { KeyValueChunk.write(hyperparameters, to: &$0) }
        }
        let metadata = model.metadata.entries
        if !metadata.isEmpty {
            writeChunk("meta", to: &writer) { KeyValueChunk.write(metadata, to: &$0) }
        }
        if !model.history.isEmpty {
            writeChunk("hist", to: &writer) { HistoryChunk.write(model.history, to: &$0) }
        }
        for (index, state) in (model.optimizerState ?? []).enumerated() {
            writeTensorChunk("optm", state.weightVelocity, TensorKey(layer: index, role: .weightVelocity), to: &writer)
            writeTensorChunk("optm", state.biasVelocity, TensorKey(layer: index, role: .biasVelocity), to: &writer)
        }
        for chunk in model.unknownChunks {
            writeChunk(chunk.type, to: &writer) { $0.write(bytes: chunk.data) }
        }
        let digest = SHA256Digest.digest(writer.bytes)
        writeChunk("FEND", to: &writer) { $0.write(bytes: digest) }
        return writer.bytes
    }

    /// Appends one chunk: length, type, the data `body` writes, and the CRC.
    private static func writeChunk(_ type: String, to writer: inout ByteWriter, body: (inout ByteWriter) -> Void) {
        let start = writer.count
        writer.write(UInt32(0))
        writer.write(bytes: Array(type.utf8))
        body(&writer)
        let length = writer.count - start - 8
        writer.patch(UInt32(length), at: start)
        writer.write(Zlib.crc32(writer.bytes[(start + 4)...]))
    }

    private static func writeTensorChunk(_ type: String, _ tensor: Tensor, _ key: TensorKey, to writer: inout ByteWriter) {
        let dataStart = writer.count + 8
        writeChunk(type, to: &writer) { TensorChunk.write(tensor, key: key, dataStart: dataStart, to: &$0) }
    }

    /// Every way `model` breaks a rule of version 2.
    static func problems(_ model: Model) -> [String] {
        var problems: [String] = []
        if !ModelFileLimits.layers.contains(model.layers.count) {
            problems.append("it has \(model.layers.count) layers (1…64 allowed)")
        }
        var inputSize = model.inputSize
        if !ModelFileLimits.layerSize.contains(inputSize) {
            problems.append("its input size \(inputSize) is outside 1…65536")
        }
        // The reader's input contract rules, so that fnn never writes a file it refuses.
        let frame = ChunkFrame(offset: 0, length: 0, type: "meta", storedCRC: 0, computedCRC: 0)
        do {
            try InputContractRules.check(model.metadata, inputSize: inputSize, offsets: [:], frame: frame)
        } catch {
            problems.append("its metadata breaks the input contract rules: \(error.message)")
        }
        for (index, layer) in model.layers.enumerated() {
            let name = "layer \(index + 1)"
            if !ModelFileLimits.layerSize.contains(layer.outputSize) {
                problems.append("\(name) has \(layer.outputSize) outputs (1…65536 allowed)")
            }
            if layer.weights.columns != inputSize {
                problems.append("\(name) takes \(layer.weights.columns) inputs but receives \(inputSize)")
            }
            if layer.biases.rows != layer.outputSize || layer.biases.columns != 1 {
                problems.append("\(name) has \(layer.biases.rows)×\(layer.biases.columns) biases for \(layer.outputSize) outputs")
            }
            if layer.activation == .softmax && index != model.layers.count - 1 {
                problems.append("\(name) uses softmax, which only the output layer may")
            }
            if layer.weights.elementCount > ModelFileLimits.maximumTensorElements {
                problems.append("\(name) has more than 2^28 weights")
            }
            for (tensor, role) in [(layer.weights, "weights"), (layer.biases, "biases")] {
                if tensor.doubles().contains(where: { !$0.isFinite }) {
                    problems.append("\(name) \(role) contain a non-finite number")
                }
                if tensor.numberType == .int8, !(tensor.scale.isFinite && tensor.scale > 0) {
                    problems.append("\(name) \(role) have an invalid int8 scale")
                }
            }
            inputSize = layer.outputSize
        }
        if let state = model.optimizerState {
            if state.count != model.layers.count {
                problems.append("the optimiser state has \(state.count) layers for \(model.layers.count)")
            } else {
                for (index, (layerState, layer)) in zip(state, model.layers).enumerated() {
                    let velocities = [layerState.weightVelocity, layerState.biasVelocity]
                    if layerState.weightVelocity.rows != layer.weights.rows
                        || layerState.weightVelocity.columns != layer.weights.columns
                        || layerState.biasVelocity.rows != layer.biases.rows
                        || layerState.biasVelocity.columns != 1
                        || velocities.contains(where: { $0.numberType != .f32 && $0.numberType != .f64 })
                    {
                        problems.append("the optimiser state of layer \(index + 1) does not match its parameters")
                    }
                }
            }
        }
        for (name, entries) in [("hyperparameters", model.hyperparameters.entries), ("metadata", model.metadata.entries)] {
            if let problem = KeyValueChunk.problem(with: entries) { problems.append("\(name): \(problem)") }
        }
        if model.history.count > ModelFileLimits.maximumHistoryRecords {
            problems.append("its history has more than 100000 epochs")
        }
        for chunk in model.unknownChunks {
            let bytes = Array(chunk.type.utf8)
            if bytes.count != 4 || !bytes.allSatisfy(\.isASCIILetter) || bytes[0] & 0x20 == 0 {
                problems.append("kept chunk type \"\(chunk.type)\" is not four letters starting lower-case")
            }
        }
        return problems
    }
}
