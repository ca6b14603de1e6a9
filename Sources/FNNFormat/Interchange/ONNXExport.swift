import FNNModel
import FNNSupport

/// Writes a model as a standard ONNX model (IR version 8, opset 13), for runtimes such as
/// onnxruntime.
///
/// The graph: input `input`, float32 `[N, inputSize]` (N dynamic); per layer a `Gemm`
/// (`transB = 1`, the weights kept as fnn stores them, `outputSize × inputSize`) and the
/// activation (sigmoid as `Neg`, `Exp`, `Add`, `Reciprocal`; `Tanh`; `Relu`; or `Softmax` on
/// the last axis); outputs `scores`
/// (the last layer's activations) and `probabilities` (the same for a softmax output,
/// otherwise `scores` divided by their sum, as `fnn predict` reports them). Parameters
/// are float32: f64 is rounded, and f16 and int8 are exported dequantised (their exact
/// values, as fnn computes with them). Labels, the input contract and the
/// hyperparameters go into `metadata_props`. See `formats/onnx.md`.
package enum ONNXExport {
    package static let irVersion: Int64 = 8
    package static let opsetVersion: Int64 = 13

    enum DataType: Int64 {
        case float = 1
    }

    package static func encode(_ model: Model) throws(ModelConversionError) -> [UInt8] {
        guard !model.layers.isEmpty else {
            throw ModelConversionError(problems: ["it has no layers"], target: "ONNX")
        }
        var writer = ProtobufWriter()
        writer.int(1, irVersion)  // ir_version
        writer.string(2, "fnn")  // producer_name
        writer.string(3, FNNVersion.number)  // producer_version
        writer.string(4, "fnn")  // domain
        writer.int(5, 1)  // model_version
        writer.string(6, "A feed-forward network exported by fnn: input 28 × 28 digits, row-major, scaled as the metadata says")
        writer.message(7) { graph(&$0, model) }  // graph
        writer.message(8) { opset in  // opset_import
            opset.string(1, "")
            opset.int(2, opsetVersion)
        }
        for (key, value) in metadata(model) {
            writer.message(14) { entry in  // metadata_props
                entry.string(1, key)
                entry.string(2, value)
            }
        }
        return writer.bytes
    }

    /// The metadata as `key → text`, in a fixed order.
    static func metadata(_ model: Model) -> [(String, String)] {
        let labels = (0..<model.outputSize).map { model.metadata.label($0) }
        let contract = model.metadata.inputContract
        var entries: [(String, String)] = [
            ("labels", JSONValue.array(labels.map { .string($0) }).serialized()),
            ("input.width", String(contract.width)), ("input.height", String(contract.height)),
            ("input.layout", contract.layout), ("input.scale_min", String(contract.scaleMinimum)),
            ("input.scale_max", String(contract.scaleMaximum)), ("cost", model.cost.rawValue),
            ("sizes", JSONValue.array(model.sizes.map { .int($0) }).serialized()),
            ("number_types", model.numberTypes.map(\.rawValue).joined(separator: ",")),
        ]
        let hyperparameters = model.hyperparameters.entries
        for key in hyperparameters.keys.sorted() {
            if let value = hyperparameters[key] { entries.append(("hyperparameters." + key, value.displayText)) }
        }
        let metadata = model.metadata.entries
        for key in metadata.keys.sorted() where !key.hasPrefix("input.") && key != "labels" {
            if let value = metadata[key] { entries.append(("fnn." + key, value.displayText)) }
        }
        return entries
    }

    static func graph(_ writer: inout ProtobufWriter, _ model: Model) {
        var previous = "input"
        for (index, layer) in model.layers.enumerated() {
            let number = index + 1
            let z = "z\(number)", a = "a\(number)"
            let weights = "W\(number)", biases = "b\(number)"
            writer.message(1) { node in  // node: Gemm
                node.string(1, previous)
                node.string(1, weights)
                node.string(1, biases)
                node.string(2, z)
                node.string(3, "layer\(number)_gemm")
                node.string(4, "Gemm")
                node.message(5) { attribute in
                    attribute.string(1, "transB")
                    attribute.int(3, 1)
                    attribute.int(20, 2)  // AttributeType INT
                }
            }
            let isLast = index == model.layers.count - 1
            let activationOutput = isLast ? "scores" : a
            if layer.activation == .sigmoid {
                // 1 / (1 + e^-z) written out: onnxruntime's fused Sigmoid uses a faster
                // approximation that differs from fnn (and from exact) by up to ~1e-5.
                sigmoid(&writer, z, activationOutput, "layer\(number)")
            } else {
                writer.message(1) { node in  // node: the activation
                    node.string(1, z)
                    node.string(2, activationOutput)
                    node.string(3, "layer\(number)_\(layer.activation.rawValue)")
                    node.string(4, opType(layer.activation))
                    if layer.activation == .softmax {
                        node.message(5) { attribute in
                            attribute.string(1, "axis")
                            attribute.int(3, -1)
                            attribute.int(20, 2)
                        }
                    }
                }
            }
            previous = activationOutput
        }
        if model.layers.last?.activation == .softmax {
            writer.message(1) { node in
                node.string(1, "scores")
                node.string(2, "probabilities")
                node.string(3, "probabilities")
                node.string(4, "Identity")
            }
        } else {
            // probabilities = scores / sum(scores) along the classes.
            writer.message(1) { node in
                node.string(1, "scores")
                node.string(2, "score_sum")
                node.string(3, "score_sum")
                node.string(4, "ReduceSum")
                node.message(5) { attribute in
                    attribute.string(1, "keepdims")
                    attribute.int(3, 1)
                    attribute.int(20, 2)
                }
                node.string(1, "reduce_axes")
            }
            writer.message(1) { node in
                node.string(1, "scores")
                node.string(1, "score_sum")
                node.string(2, "probabilities")
                node.string(3, "probabilities")
                node.string(4, "Div")
            }
        }
        writer.string(2, "fnn")  // graph name
        for (index, layer) in model.layers.enumerated() {
            writer.message(5) { tensor(&$0, "W\(index + 1)", [layer.outputSize, layer.inputSize], layer.weights.floats()) }
            writer.message(5) { tensor(&$0, "b\(index + 1)", [layer.outputSize], layer.biases.floats()) }
        }
        if model.layers.contains(where: { $0.activation == .sigmoid }) {
            writer.message(5) { tensor(&$0, "one", [], [1]) }
        }
        if model.layers.last?.activation != .softmax {
            writer.message(5) { tensor in  // the axes input of ReduceSum (opset 13)
                tensor.packedInts(1, [1])
                tensor.int(2, 7)  // INT64
                tensor.string(8, "reduce_axes")
                var raw: [UInt8] = []
                withUnsafeBytes(of: Int64(1).littleEndian) { raw.append(contentsOf: $0) }
                tensor.bytes(9, raw)
            }
        }
        writer.message(11) { valueInfo(&$0, "input", model.inputSize) }
        writer.message(12) { valueInfo(&$0, "scores", model.outputSize) }
        writer.message(12) { valueInfo(&$0, "probabilities", model.outputSize) }
    }

    /// `output = 1 / (1 + exp(-input))` as Neg, Exp, Add and Reciprocal nodes.
    static func sigmoid(_ writer: inout ProtobufWriter, _ input: String, _ output: String, _ prefix: String) {
        let steps: [(String, [String], String)] = [
            ("Neg", [input], prefix + "_negated"),
            ("Exp", [prefix + "_negated"], prefix + "_exp"),
            ("Add", [prefix + "_exp", "one"], prefix + "_denominator"),
            ("Reciprocal", [prefix + "_denominator"], output),
        ]
        for (op, inputs, result) in steps {
            writer.message(1) { node in
                for name in inputs { node.string(1, name) }
                node.string(2, result)
                node.string(3, result + "_" + op.lowercased())
                node.string(4, op)
            }
        }
    }

    static func opType(_ activation: Activation) -> String {
        switch activation {
        case .sigmoid: "Sigmoid"
        case .tanh: "Tanh"
        case .relu: "Relu"
        case .softmax: "Softmax"
        }
    }

    static func tensor(_ writer: inout ProtobufWriter, _ name: String, _ dims: [Int], _ values: [Float]) {
        writer.packedInts(1, dims.map(Int64.init))
        writer.int(2, DataType.float.rawValue)
        writer.string(8, name)
        var raw = [UInt8]()
        raw.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
        writer.bytes(9, raw)
    }

    /// A float32 tensor value `[N, width]` with a dynamic first dimension.
    static func valueInfo(_ writer: inout ProtobufWriter, _ name: String, _ width: Int) {
        writer.string(1, name)
        writer.message(2) { type in
            type.message(1) { tensorType in
                tensorType.int(1, DataType.float.rawValue)
                tensorType.message(2) { shape in
                    shape.message(1) { $0.string(2, "N") }
                    shape.message(1) { $0.int(1, Int64(width)) }
                }
            }
        }
    }
}
