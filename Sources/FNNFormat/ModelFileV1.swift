import FNNModel
import FNNSupport

/// Format version 1: a sigmoid network in binary64 with five hyperparameters and one
/// CRC-32 over everything (`formats/fnn-format.md`).
enum ModelFileV1 {
    /// Reads a version 1 file, checking in the order the specification gives.
    static func read(_ bytes: [UInt8]) throws(ModelFileError) -> Model {
        let count = bytes.count
        guard count >= 12 else {
            throw ModelFileError(.truncated, "the file is \(count) bytes, too short for a version 1 header", offset: count)
        }
        var reader = ByteReader(bytes, start: 4)
        let layerCount = Int(reader.readUInt32() ?? 0)
        guard ModelFileLimits.layers.contains(layerCount) else {
            throw ModelFileError(.limit, "the layer count \(layerCount) is outside 1…64", offset: 4)
        }
        let tableEnd = 8 + 4 * (layerCount + 1)
        guard count >= tableEnd else {
            throw ModelFileError(
                .truncated, "the file ends inside the layer size table, which needs \(tableEnd) bytes",
                offset: count)
        }
        var sizes: [Int] = []
        for index in 0...layerCount {
            let size = Int(reader.readUInt32() ?? 0)
            guard ModelFileLimits.layerSize.contains(size) else {
                throw ModelFileError(
                    .limit, "layer size \(index) is \(size), outside 1…65536", offset: 8 + 4 * index)
            }
            sizes.append(size)
        }
        let headerEnd = tableEnd
        var parameters = 0
        for layer in 0..<layerCount {
            parameters += sizes[layer + 1] * (sizes[layer] + 1)
        }
        guard parameters <= ModelFileLimits.maximumTensorElements else {
            throw ModelFileError(
                .limit, "the layer sizes declare \(parameters) parameters, over the limit of 2^28",
                offset: 8)
        }
        let expectedSize = headerEnd + 40 + 8 * parameters + 4
        guard count >= expectedSize else {
            throw ModelFileError(
                .truncated,
                "the file is \(count) bytes but its layer sizes \(sizes) need \(expectedSize) (truncated file)",
                offset: count)
        }
        guard count == expectedSize else {
            throw ModelFileError(
                .structure, "\(count - expectedSize) unexpected bytes after the end of the model",
                offset: expectedSize)
        }
        let storedCRC = ByteReader(bytes).peek(UInt32.self, at: count - 4) ?? 0
        let computedCRC = Zlib.crc32(bytes[0..<(count - 4)])
        guard storedCRC == computedCRC else {
            throw ModelFileError(
                .fileCRC,
                "the CRC-32 does not match (stored \(hex32(storedCRC)), computed \(hex32(computedCRC))): the file is damaged",
                offset: count - 4)
        }
        reader = ByteReader(bytes, start: headerEnd)
        let costCode = reader.readUInt8() ?? 0
        guard let cost = Cost(code: costCode) else {
            throw ModelFileError(.invalid, "unknown cost code \(costCode)", offset: headerEnd)
        }
        guard bytes[(headerEnd + 1)...(headerEnd + 7)].allSatisfy({ $0 == 0 }) else {
            throw ModelFileError(.invalid, "reserved bytes are not zero", offset: headerEnd + 1)
        }
        _ = reader.skip(7)
        let learningRate = reader.readFloat64() ?? 0
        let weightDecay = reader.readFloat64() ?? 0
        let epochs = reader.readUInt32() ?? 0
        let batchSize = reader.readUInt32() ?? 0
        let seed = reader.readUInt64() ?? 0

        var layers: [Layer] = []
        for layer in 0..<layerCount {
            let inputs = sizes[layer]
            let outputs = sizes[layer + 1]
            let biases = try readValues(&reader, outputs)
            let weights = try readValues(&reader, outputs * inputs)
            layers.append(
                Layer(
                    activation: .sigmoid, weights: .f64(rows: outputs, columns: inputs, weights),
                    biases: .f64(rows: outputs, columns: 1, biases)))
        }
        let hyperparameters = Hyperparameters(
            learningRate: learningRate, epochs: Int(epochs), batchSize: Int(batchSize),
            weightDecay: weightDecay, seed: seed)
        return Model(layers: layers, cost: cost, hyperparameters: hyperparameters)
    }

    private static func readValues(_ reader: inout ByteReader, _ count: Int) throws(ModelFileError) -> [Double] {
        var values = [Double]()
        values.reserveCapacity(count)
        for _ in 0..<count {
            let offset = reader.offset
            let value = reader.readFloat64() ?? .nan
            guard value.isFinite else {
                throw ModelFileError(.invalid, "parameter is \(value), not a finite number", offset: offset)
            }
            values.append(value)
        }
        return values
    }

    /// What version 1 cannot hold of `model`, or nothing when it fits.
    ///
    /// - Parameter allowingLoss: whether metadata, history, optimiser state, ancillary chunks
    ///   and extra hyperparameters may be dropped; the network itself must always fit.
    static func problems(_ model: Model, allowingLoss: Bool) -> [String] {
        var problems: [String] = []
        for (index, layer) in model.layers.enumerated() where layer.activation != .sigmoid {
            problems.append("layer \(index + 1) uses \(layer.activation.rawValue) (version 1 has sigmoid only)")
        }
        if !ModelFileLimits.layers.contains(model.layers.count) {
            problems.append("\(model.layers.count) layers")
        }
        guard !allowingLoss else { return problems }
        var lossy: [String] = []
        let hyperparameters = model.hyperparameters
        var extraHyperparameters = hyperparameters
        extraHyperparameters.learningRate = nil
        extraHyperparameters.weightDecay = nil
        extraHyperparameters.epochs = nil
        extraHyperparameters.batchSize = nil
        extraHyperparameters.seed = nil
        let extraKeys = extraHyperparameters.entries.keys.sorted()
        if !extraKeys.isEmpty { lossy.append("hyperparameters \(extraKeys.joined(separator: ", "))") }
        if !model.metadata.isEmpty {
            lossy.append("metadata (\(model.metadata.entries.keys.sorted().joined(separator: ", ")))")
        }
        if !model.history.isEmpty { lossy.append("the training history (\(model.history.count) epochs)") }
        if model.optimizerState != nil { lossy.append("the optimiser state") }
        if !model.unknownChunks.isEmpty {
            lossy.append("ancillary chunks \(model.unknownChunks.map(\.type).joined(separator: ", "))")
        }
        return problems + lossy
    }

    /// Writes `model` as version 1; parameters widen to binary64.
    ///
    /// - Throws: `ModelConversionError` when the model does not fit version 1.
    static func write(_ model: Model, allowingLoss: Bool) throws(ModelConversionError) -> [UInt8] {
        let problems = Self.problems(model, allowingLoss: allowingLoss)
        guard problems.isEmpty else {
            let networkFits = Self.problems(model, allowingLoss: true).isEmpty
            throw ModelConversionError(
                problems: problems, target: "format version 1",
                hint: networkFits ? "Pass --allow-loss to drop what version 1 cannot hold" : nil)
        }
        var writer = ByteWriter(reservingCapacity: 64 + 8 * model.parameterCount)
        writer.write(bytes: ModelFileLayout.version1Magic)
        writer.write(UInt32(model.layers.count))
        for size in model.sizes { writer.write(UInt32(size)) }
        writer.write(model.cost.code)
        writer.writeZeros(7)
        let hyperparameters = model.hyperparameters
        writer.write(hyperparameters.learningRate ?? 0)
        writer.write(hyperparameters.weightDecay ?? 0)
        writer.write(UInt32(clamping: hyperparameters.epochs ?? 0))
        writer.write(UInt32(clamping: hyperparameters.batchSize ?? 0))
        writer.write(hyperparameters.seed ?? 0)
        for layer in model.layers {
            for value in layer.biases.doubles() { writer.write(value) }
            for value in layer.weights.doubles() { writer.write(value) }
        }
        writer.write(Zlib.crc32(writer.bytes))
        return writer.bytes
    }
}
