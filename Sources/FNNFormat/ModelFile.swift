import Foundation
import FNNModel
import FNNSupport

/// Reads and writes `.fnn` model files of every version.
public enum ModelFile {
    /// The newest format version, which writers use unless told otherwise.
    public static let newestVersion = ModelFileLayout.newestVersion

    /// A model and the facts about the file it came from.
    public struct Loaded: Sendable {
        public var model: Model
        /// The version of the format the file was written in.
        public var formatVersion: Int
        /// The lowest reader version that reads the file (version 2).
        public var minimumReaderVersion: Int
        public var byteCount: Int
    }

    /// Decodes a model file, whatever its version.
    ///
    /// - Throws: `ModelFileError` naming the first problem and its byte offset.
    public static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> Loaded {
        guard bytes.count <= ModelFileLimits.maximumFileSize else {
            throw ModelFileError(.limit, "the file is \(bytes.count) bytes, over the 2 GiB limit", offset: 0)
        }
        switch version(of: bytes) {
        case 1:
            let model = try ModelFileV1.read(bytes)
            return Loaded(model: model, formatVersion: 1, minimumReaderVersion: 1, byteCount: bytes.count)
        case 2:
            let (model, header) = try ModelFileV2.read(bytes)
            return Loaded(
                model: model, formatVersion: header.formatVersion,
                minimumReaderVersion: header.minimumReaderVersion, byteCount: bytes.count)
        default:
            throw signatureError(bytes)
        }
    }

    /// 1 or 2 from the file's first bytes, or `nil` when they are neither format's.
    static func version(of bytes: [UInt8]) -> Int? {
        if bytes.count >= 4, Array(bytes[0..<4]) == ModelFileLayout.version1Magic { return 1 }
        if bytes.count >= 8, Array(bytes[0..<8]) == ModelFileLayout.version2Signature { return 2 }
        return nil
    }

    private static func signatureError(_ bytes: [UInt8]) -> ModelFileError {
        if bytes.isEmpty {
            return ModelFileError(.truncated, "the file is empty", offset: 0)
        }
        for prefix in [ModelFileLayout.version1Magic, ModelFileLayout.version2Signature]
        where bytes.count < prefix.count && Array(prefix[0..<bytes.count]) == bytes {
            return ModelFileError(.truncated, "the file is only \(bytes.count) bytes (truncated file)", offset: bytes.count)
        }
        var message = "not an fnn model file (its first bytes are neither FNN1 nor the version 2 signature)"
        if bytes.first == UInt8(ascii: "{") {
            message += "; it looks like JSON: a network2.py model converts with 'fnn convert MODEL.json OUT.fnn'"
        } else if bytes.starts(with: [0x89, 0x46, 0x4E, 0x4E, 0x0A]) || bytes.starts(with: [0x89, 0x46, 0x4E, 0x4E, 0x0D, 0x0D]) {
            message += "; its line endings were converted (it was copied as text): copy it in binary mode"
        } else if bytes.starts(with: [0x1F, 0x8B]) {
            message += "; it is gzip-compressed: gunzip it first"
        }
        return ModelFileError(.badSignature, message, offset: 0)
    }

    /// Encodes a model in the given format version.
    ///
    /// - Parameters:
    ///   - version: 1 or 2 (the default, the newest).
    ///   - allowingLoss: for version 1, drop what it cannot hold (metadata, history, …)
    ///     instead of refusing.
    /// - Throws: `ModelConversionError` when the version cannot hold the model.
    public static func encode(
        _ model: Model, version: Int = newestVersion, allowingLoss: Bool = false
    ) throws(ModelConversionError) -> [UInt8] {
        switch version {
        case 1: return try ModelFileV1.write(model, allowingLoss: allowingLoss)
        case 2: return try ModelFileV2.write(model)
        default:
            throw ModelConversionError(problems: ["there is no format version \(version) (1 and 2 exist)"], target: "fnn")
        }
    }

    /// Reads and decodes the model file at `path`, with the facts about the file.
    public static func load(contentsOf path: String) throws(ModelFileError) -> Loaded {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: ModelFileLimits.maximumFileSize)
        } catch {
            throw ModelFileError(.io, error.message, offset: nil, path: path)
        }
        do {
            return try decode(bytes)
        } catch {
            throw error.at(path: path)
        }
    }
}
