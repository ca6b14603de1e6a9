import ArgumentParser
import FNNKit

/// `fnn convert`: between format versions, number types and network2.py JSON.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model between format versions, number types and network2.py JSON.",
        discussion: """
            IN and OUT are .fnn model files or, by their .json extension, the JSON that \
            network2.py of "Neural Networks and Deep Learning" saves; OUT may also be an \
            .onnx file (ONNX IR 8, opset 13, float32, see formats/onnx.md). OUT is the second \
            argument or, as in every fnn command, -o/--output. Unknown ancillary chunks \
            are kept. OUT is written to a temporary file and renamed into place, and is never \
            replaced unless --force is given.

            Examples:
              fnn convert old.fnn new.fnn                       # upgrade to the newest version
              fnn convert model.fnn small.fnn --dtype f16       # halve the size
              fnn convert model.fnn v1.fnn --format-version 1   # for older readers
              fnn convert network2.json model.fnn               # import from network2.py
              fnn convert model.fnn model.onnx                  # export to ONNX (onnxruntime, …)
              fnn convert model.fnn -o model.onnx               # the same
            """
    )

    @Argument(help: ArgumentHelp("The model to read (.fnn or network2.py .json).", valueName: "input"), completion: .file(extensions: ["fnn", "json"]))
    var input: String

    @Argument(help: ArgumentHelp("The file to write (.fnn, network2.py .json or .onnx); or give it with -o.", valueName: "output"), completion: .file(extensions: ["fnn", "json", "onnx"]))
    var outputArgument: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The file to write, instead of the <output> argument.", valueName: "file"), completion: .file(extensions: ["fnn", "json", "onnx"]))
    var outputOption: String?

    /// The file to write, from the argument or -o/--output (`validate()` makes sure there is one).
    var output: String { outputArgument ?? outputOption ?? "" }

    @Option(name: .customLong("format-version"), help: ArgumentHelp("The format version to write (1 or 2).", valueName: "version"))
    var formatVersion: Int = ModelFile.newestVersion

    @Option(help: ArgumentHelp("Store the parameters as this number type.", valueName: "type"))
    var dtype: NumberType?

    @Flag(help: "Allow a version 1 downgrade to drop what version 1 cannot hold (metadata, history, optimiser state, extra hyperparameters, ancillary chunks).")
    var allowLoss = false

    @Flag(name: .customLong("drop-training-state"), help: "Leave out the optimiser state (momentum velocities) that only resuming training needs.")
    var dropTrainingState = false

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        try argumentOrOption(outputArgument, outputOption, what: "output", optionName: "-o/--output", required: true)
        // The output's extension says what to write; one fnn does not write is a mistake,
        // never a reason to write an .fnn file under a foreign name.
        let name = output.split(separator: "/").last.map(String.init) ?? output
        let written = ["fnn", "json", "onnx"]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw ValidationError("\(output) has no extension: name the output .fnn, .json (network2.py) or .onnx.")
        }
        let ext = name[name.index(after: dot)...].lowercased()
        guard written.contains(ext) else {
            throw ValidationError("fnn does not write .\(ext) files; name the output .fnn, .json (network2.py) or .onnx.")
        }
        guard (1...ModelFile.newestVersion).contains(formatVersion) else {
            throw ValidationError("--format-version must be 1 or \(ModelFile.newestVersion), not \(formatVersion).")
        }
        if formatVersion == 1, let dtype, dtype != .f64 {
            throw ValidationError("format version 1 stores f64 only; --dtype \(dtype.rawValue) needs --format-version 2.")
        }
    }

    func run() throws {
        if !force, FileSystem.exists(output) {
            throw CLIError("\(output) already exists; pass --force to replace it.")
        }
        let original = try ModelLoader.load(input)
        var model = original
        if dropTrainingState { model.optimizerState = nil }
        let bytes: [UInt8]
        let isONNX = output.lowercased().hasSuffix(".onnx")
        if let dtype { model = try model.converted(to: dtype) }
        if isONNX {
            bytes = try ONNXExport.encode(model)
        } else if ModelLoader.isNetwork2JSON(output) {
            bytes = try Network2JSON.encode(model)
        } else {
            bytes = try ModelFile.encode(model, version: formatVersion, allowingLoss: allowLoss)
        }
        try AtomicFile.write(bytes, to: output, overwrite: force)
        let target = isONNX ? "ONNX (IR \(ONNXExport.irVersion), opset \(ONNXExport.opsetVersion))"
            : ModelLoader.isNetwork2JSON(output) ? "network2.py JSON" : "format version \(formatVersion)"
        let types = isONNX ? "float32 (from \(model.numberTypes.map(\.rawValue).joined(separator: "+")))"
            : model.numberTypes.map(\.rawValue).joined(separator: "+")
        print("wrote \(output): \(target), \(types), \(bytes.count) bytes")
        if dtype != nil {
            print("largest absolute change of any parameter: \(original.largestParameterChange(from: model))")
        }
    }
}

extension NumberType: ExpressibleByArgument {}
