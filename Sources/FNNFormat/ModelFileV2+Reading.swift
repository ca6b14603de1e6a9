import FNNModel
import FNNSupport

/// Format version 2: signature, header, CRC-checked chunks and a closing SHA-256
/// (`formats/fnn-format.md`).
enum ModelFileV2 {
    /// The header fields of a version 2 file.
    struct Header: Sendable, Equatable {
        var formatVersion: Int
        var minimumReaderVersion: Int
        var storedCRC: UInt32
    }

    /// The header's fields as they stand, unchecked (for `fnn inspect` of a damaged file);
    /// nil when the file is too short for a header.
    static func headerFields(_ bytes: [UInt8]) -> Header? {
        guard bytes.count >= ModelFileLayout.headerSize else { return nil }
        let reader = ByteReader(bytes)
        return Header(
            formatVersion: Int(reader.peek(UInt16.self, at: 10) ?? 0),
            minimumReaderVersion: Int(reader.peek(UInt16.self, at: 12) ?? 0),
            storedCRC: reader.peek(UInt32.self, at: 20) ?? 0)
    }

    /// Checks the signature and header (steps 1 of the specification's list).
    static func readHeader(_ bytes: [UInt8]) throws(ModelFileError) -> Header {
        guard bytes.count >= ModelFileLayout.headerSize else {
            throw ModelFileError(
                .truncated, "the file is \(bytes.count) bytes, too short for a version 2 header",
                offset: bytes.count)
        }
        guard Array(bytes[0..<8]) == ModelFileLayout.version2Signature else {
            throw ModelFileError(.badSignature, "not an fnn model file (bad signature)", offset: 0)
        }
        guard let fields = headerFields(bytes) else {
            throw ModelFileError(.truncated, "the file is too short for a version 2 header", offset: bytes.count)
        }
        let stored = fields.storedCRC
        let computed = Zlib.crc32(bytes[0..<20])
        guard stored == computed else {
            throw ModelFileError(
                .headerCRC,
                "the header CRC-32 does not match (stored \(hex32(stored)), computed \(hex32(computed))): the header is damaged",
                offset: 20)
        }
        guard bytes[8] == ModelFileLayout.littleEndian else {
            throw ModelFileError(
                .invalid, "byte order \(hex8(bytes[8])) is not supported (only 4C, little-endian, is defined)",
                offset: 8)
        }
        for (start, end) in [(9, 10), (14, 16), (16, 20)] where bytes[start..<end].contains(where: { $0 != 0 }) {
            throw ModelFileError(.invalid, "reserved header field is not zero", offset: start)
        }
        let formatVersion = fields.formatVersion
        let minimumReader = fields.minimumReaderVersion
        guard minimumReader <= ModelFileLayout.newestVersion else {
            throw ModelFileError(
                .needsNewerReader,
                "this file needs a newer fnn: it needs a reader of format version \(minimumReader), and this fnn reads up to version \(ModelFileLayout.newestVersion)",
                offset: 12)
        }
        guard minimumReader >= 2 else {
            throw ModelFileError(.invalid, "minimum reader version \(minimumReader) is below 2", offset: 12)
        }
        guard formatVersion >= minimumReader else {
            throw ModelFileError(
                .invalid, "format version \(formatVersion) is below the minimum reader version \(minimumReader)",
                offset: 10)
        }
        return Header(formatVersion: formatVersion, minimumReaderVersion: minimumReader, storedCRC: stored)
    }

    /// The chunk types this version reads.
    static let knownTypes: Set<String> = ["ARCH", "TENS", "hyps", "meta", "hist", "optm", "FEND"]

    /// Reads a whole version 2 file, checking everything in the order the specification
    /// gives and reporting the first failure.
    static func read(_ bytes: [UInt8]) throws(ModelFileError) -> (model: Model, header: Header) {
        let header = try readHeader(bytes)
        var state = ReadState()
        for (index, step) in ChunkWalk(bytes).enumerated() {
            let frame = try step.get()
            guard frame.crcMatches else {
                throw ModelFileError(
                    .chunkCRC,
                    "the chunk's CRC-32 does not match (stored \(hex32(frame.storedCRC)), computed \(hex32(frame.computedCRC))): the chunk is damaged",
                    offset: frame.offset, chunk: frame.type)
            }
            if frame.isCritical, !knownTypes.contains(frame.type) {
                throw ModelFileError(
                    .needsNewerReader,
                    "this file needs a newer fnn: it has a critical chunk of unknown type \(frame.type)",
                    offset: frame.offset, chunk: frame.type)
            }
            if index == 0, frame.type != "ARCH" {
                throw ModelFileError(
                    .structure, "the first chunk is \(frame.type), but it must be ARCH",
                    offset: frame.offset, chunk: frame.type)
            }
            if frame.type == "FEND" {
                try state.finish(bytes, frame)
                return (state.model(), header)
            }
            try state.consume(bytes, frame)
        }
        // The walk ends with FEND or a failure, both handled above.
        throw ModelFileError(.truncated, "the file ends without its closing FEND chunk (truncated file)", offset: bytes.count)
    }

    /// What has been read so far, chunk by chunk.
    private struct ReadState {
        var architecture: Architecture?
        var tensors: [TensorKey: Tensor] = [:]
        var optimizer: [TensorKey: Tensor] = [:]
        /// The offset of each tensor's rows field, for shape errors.
        var shapeOffsets: [String: [TensorKey: (Int, String)]] = [:]
        var hyperparameters: Hyperparameters?
        var metadata: Metadata?
        var history: [EpochRecord]?
        var unknown: [RawChunk] = []

        mutating func consume(_ bytes: [UInt8], _ frame: ChunkFrame) throws(ModelFileError) {
            let fail = { (code: ModelFileError.Code, message: String) in
                ModelFileError(code, message, offset: frame.offset, chunk: frame.type)
            }
            switch frame.type {
            case "ARCH":
                guard architecture == nil else { throw fail(.structure, "a second ARCH chunk") }
                architecture = try Architecture.read(bytes, frame)
            case "TENS", "optm":
                guard let architecture else { throw fail(.structure, "a tensor before ARCH") }
                let (key, tensor) = try TensorChunk.read(bytes, frame, architecture)
                shapeOffsets[frame.type, default: [:]][key] = (frame.dataStart + 8, frame.type)
                if frame.type == "TENS" {
                    guard tensors[key] == nil else {
                        throw fail(.structure, "a second \(key.role.name) tensor for layer \(key.layer + 1)")
                    }
                    tensors[key] = tensor
                } else {
                    guard optimizer[key] == nil else {
                        throw fail(.structure, "a second \(key.role.name) tensor for layer \(key.layer + 1)")
                    }
                    optimizer[key] = tensor
                }
            case "hyps":
                guard hyperparameters == nil else { throw fail(.structure, "a second hyps chunk") }
                hyperparameters = try Self.typed(bytes, frame, Hyperparameters.init(entries:)).value
            case "meta":
                guard metadata == nil else { throw fail(.structure, "a second meta chunk") }
                let (read, offsets) = try Self.typed(bytes, frame, Metadata.init(entries:))
                try InputContractRules.check(read, inputSize: architecture?.inputSize, offsets: offsets, frame: frame)
                metadata = read
            case "hist":
                guard history == nil else { throw fail(.structure, "a second hist chunk") }
                history = try HistoryChunk.read(bytes, frame)
            default:
                unknown.append(RawChunk(type: frame.type, data: Array(bytes[frame.dataStart..<(frame.dataStart + frame.length)])))
            }
        }

        /// A key-value chunk read into its typed form (`Hyperparameters`, `Metadata`), with
        /// the offset of each key for later errors; a value of the wrong type is an error
        /// at its key.
        static func typed<Value>(
            _ bytes: [UInt8], _ frame: ChunkFrame, _ make: ([String: TypedValue]) throws(KeyValueTypeError) -> Value
        ) throws(ModelFileError) -> (value: Value, offsets: [String: Int]) {
            let (entries, offsets) = try KeyValueChunk.read(bytes, frame)
            do {
                return (try make(entries), offsets)
            } catch {
                throw ModelFileError(
                    .invalid, "key \(error.key) holds \(error.found); expected \(error.expected)",
                    offset: offsets[error.key] ?? frame.offset, chunk: frame.type)
            }
        }

        /// Checks the closing chunk, the digest and the completeness of the tensors.
        func finish(_ bytes: [UInt8], _ frame: ChunkFrame) throws(ModelFileError) {
            guard frame.length == 32 else {
                throw ModelFileError(
                    .invalid, "FEND holds \(frame.length) bytes; it must hold a 32-byte SHA-256",
                    offset: frame.offset, chunk: "FEND")
            }
            guard frame.end == bytes.count else {
                throw ModelFileError(
                    .structure, "\(bytes.count - frame.end) bytes follow the closing FEND chunk",
                    offset: frame.end)
            }
            let stored = Array(bytes[frame.dataStart..<(frame.dataStart + 32)])
            let computed = SHA256Digest.digest(bytes[0..<frame.offset])
            guard stored == computed else {
                throw ModelFileError(
                    .sha256,
                    "the file's SHA-256 does not match (stored \(SHA256Digest.hex(stored).prefix(16))…, computed \(SHA256Digest.hex(computed).prefix(16))…): the file is damaged",
                    offset: frame.offset, chunk: "FEND")
            }
            let missing = { (message: String) in
                ModelFileError(.structure, message, offset: frame.offset, chunk: "FEND")
            }
            guard let architecture else { throw missing("the file has no ARCH chunk") }
            for layer in 0..<architecture.layers.count {
                for role in [TensorRole.weights, .biases] where tensors[TensorKey(layer: layer, role: role)] == nil {
                    throw missing("the \(role.name) tensor of layer \(layer + 1) is missing")
                }
            }
            if !optimizer.isEmpty {
                for layer in 0..<architecture.layers.count {
                    for role in [TensorRole.weightVelocity, .biasVelocity]
                    where optimizer[TensorKey(layer: layer, role: role)] == nil {
                        throw missing("the optimiser state lacks the \(role.name) of layer \(layer + 1)")
                    }
                }
            }
            for (type, roles, stored) in [
                ("TENS", [TensorRole.weights, .biases], tensors), ("optm", [.weightVelocity, .biasVelocity], optimizer),
            ] {
                for layer in 0..<architecture.layers.count {
                    for role in roles {
                        let key = TensorKey(layer: layer, role: role)
                        guard let tensor = stored[key], let (rowsOffset, chunk) = shapeOffsets[type]?[key] else { continue }
                        let rows = architecture.layers[layer].outputSize
                        let columns = role.isBias ? 1 : architecture.inputSize(ofLayer: layer)
                        guard tensor.rows == rows, tensor.columns == columns else {
                            throw ModelFileError(
                                .invalid,
                                "the \(role.name) of layer \(layer + 1) are \(tensor.rows)×\(tensor.columns), but ARCH makes them \(rows)×\(columns)",
                                offset: tensor.rows == rows ? rowsOffset + 4 : rowsOffset, chunk: chunk)
                        }
                    }
                }
            }
        }

        /// The model, once `finish` has passed.
        func model() -> Model {
            let architecture = architecture ?? Architecture(inputSize: 0, cost: .quadratic, layers: [])
            let layers = architecture.layers.enumerated().map { index, layer in
                Layer(
                    activation: layer.activation,
                    weights: tensors[TensorKey(layer: index, role: .weights)] ?? .f64(rows: 0, columns: 0, []),
                    biases: tensors[TensorKey(layer: index, role: .biases)] ?? .f64(rows: 0, columns: 0, []))
            }
            let optimizerState: [OptimizerLayerState]? =
                optimizer.isEmpty
                ? nil
                : (0..<layers.count).map { index in
                    OptimizerLayerState(
                        weightVelocity: optimizer[TensorKey(layer: index, role: .weightVelocity)] ?? .f64(rows: 0, columns: 0, []),
                        biasVelocity: optimizer[TensorKey(layer: index, role: .biasVelocity)] ?? .f64(rows: 0, columns: 0, []))
                }
            return Model(
                layers: layers, cost: architecture.cost,
                hyperparameters: hyperparameters ?? Hyperparameters(), metadata: metadata ?? Metadata(),
                history: history ?? [], optimizerState: optimizerState, unknownChunks: unknown)
        }
    }
}
