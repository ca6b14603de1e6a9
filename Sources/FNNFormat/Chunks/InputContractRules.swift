import FNNModel

/// The rules a `meta` chunk's input contract must follow (`formats/fnn-format.md`,
/// "The input contract"), checked when the file is read so that every command that turns
/// pixels into inputs can rely on them: a width and height that are real image sides
/// whose product is the network's input size, finite and distinct scale ends, and the one
/// layout that is defined.
enum InputContractRules {
    static func check(
        _ metadata: Metadata, inputSize: Int?, offsets: [String: Int], frame: ChunkFrame
    ) throws(ModelFileError) {
        func fail(_ key: String, _ message: String) -> ModelFileError {
            ModelFileError(.invalid, message, offset: offsets[key] ?? frame.offset, chunk: frame.type)
        }
        for (key, value) in [("input.width", metadata.inputWidth), ("input.height", metadata.inputHeight)] {
            if let value, !ModelFileLimits.layerSize.contains(value) {
                throw fail(key, "\(key) is \(value); an image side must be 1…65536 pixels")
            }
        }
        switch (metadata.inputWidth, metadata.inputHeight) {
        case (let width?, let height?):
            if let inputSize, width * height != inputSize {
                throw fail(
                    "input.width",
                    "input.width × input.height = \(width) × \(height) = \(width * height), but the network takes \(inputSize) inputs")
            }
        case (nil, .some):
            throw fail("input.height", "input.height is given without input.width")
        case (.some, nil):
            throw fail("input.width", "input.width is given without input.height")
        case (nil, nil):
            break
        }
        if let layout = metadata.inputLayout, layout != InputContract.mnist.layout {
            throw fail("input.layout", "input.layout is \"\(layout)\"; only \"row-major\" is defined")
        }
        for (key, value) in [("input.scale_min", metadata.inputScaleMinimum), ("input.scale_max", metadata.inputScaleMaximum)] {
            if let value, !value.isFinite { throw fail(key, "\(key) is \(value), not a finite number") }
        }
        let contract = metadata.inputContract
        if contract.scaleMinimum == contract.scaleMaximum {
            let key = metadata.inputScaleMaximum != nil ? "input.scale_max" : "input.scale_min"
            throw fail(key, "input.scale_min and input.scale_max are both \(contract.scaleMinimum): every image would look the same")
        }
    }
}
