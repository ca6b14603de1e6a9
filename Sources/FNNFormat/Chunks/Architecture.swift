import FNNModel
import FNNSupport

/// The `ARCH` chunk: input size, cost, and each layer's size and activation.
struct Architecture: Sendable, Equatable {
    struct LayerShape: Sendable, Equatable {
        var outputSize: Int
        var activation: Activation
    }

    var inputSize: Int
    var cost: Cost
    var layers: [LayerShape]

    /// The input size of layer `index`.
    func inputSize(ofLayer index: Int) -> Int {
        index == 0 ? inputSize : layers[index - 1].outputSize
    }

    static func read(_ bytes: [UInt8], _ frame: ChunkFrame) throws(ModelFileError) -> Architecture {
        let start = frame.dataStart
        func fail(_ code: ModelFileError.Code, _ message: String, at offset: Int) -> ModelFileError {
            ModelFileError(code, message, offset: offset, chunk: "ARCH")
        }
        var reader = ByteReader(bytes, start: start, end: start + frame.length)
        guard frame.length >= 12 else {
            throw fail(.invalid, "ARCH holds \(frame.length) bytes; it needs at least 12", at: frame.offset)
        }
        let layerCount = Int(reader.readUInt32() ?? 0)
        guard ModelFileLimits.layers.contains(layerCount) else {
            throw fail(.limit, "the layer count \(layerCount) is outside 1…64", at: start)
        }
        let inputSize = Int(reader.readUInt32() ?? 0)
        guard ModelFileLimits.layerSize.contains(inputSize) else {
            throw fail(.limit, "the input size \(inputSize) is outside 1…65536", at: start + 4)
        }
        let costCode = reader.readUInt8() ?? 0
        guard let cost = Cost(code: costCode) else {
            throw fail(.invalid, "unknown cost code \(costCode)", at: start + 8)
        }
        guard bytes[(start + 9)..<(start + 12)].allSatisfy({ $0 == 0 }) else {
            throw fail(.invalid, "reserved bytes are not zero", at: start + 9)
        }
        guard frame.length == 12 + 8 * layerCount else {
            throw fail(
                .invalid, "ARCH holds \(frame.length) bytes; \(layerCount) layers need \(12 + 8 * layerCount)",
                at: frame.offset)
        }
        _ = reader.skip(3)
        var layers: [LayerShape] = []
        for index in 0..<layerCount {
            let base = start + 12 + 8 * index
            let size = Int(reader.readUInt32() ?? 0)
            guard ModelFileLimits.layerSize.contains(size) else {
                throw fail(.limit, "layer \(index + 1) has \(size) outputs, outside 1…65536", at: base)
            }
            let code = reader.readUInt8() ?? 0
            guard let activation = Activation(code: code) else {
                throw fail(.invalid, "layer \(index + 1) has unknown activation code \(code)", at: base + 4)
            }
            guard activation != .softmax || index == layerCount - 1 else {
                throw fail(.invalid, "layer \(index + 1) uses softmax, which only the output layer may", at: base + 4)
            }
            guard bytes[(base + 5)..<(base + 8)].allSatisfy({ $0 == 0 }) else {
                throw fail(.invalid, "reserved bytes are not zero", at: base + 5)
            }
            _ = reader.skip(3)
            layers.append(LayerShape(outputSize: size, activation: activation))
        }
        return Architecture(inputSize: inputSize, cost: cost, layers: layers)
    }

    func write(to writer: inout ByteWriter) {
        writer.write(UInt32(layers.count))
        writer.write(UInt32(inputSize))
        writer.write(cost.code)
        writer.writeZeros(3)
        for layer in layers {
            writer.write(UInt32(layer.outputSize))
            writer.write(layer.activation.code)
            writer.writeZeros(3)
        }
    }
}
