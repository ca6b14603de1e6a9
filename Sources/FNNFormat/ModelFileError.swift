import FNNSupport

/// A model file that cannot be read, with what is wrong and where.
public struct ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; the raw values are the codes of `formats/vectors/README.md`.
    public enum Code: String, Sendable, Codable {
        case badSignature = "bad-signature"
        case truncated
        case headerCRC = "header-crc"
        case fileCRC = "file-crc"
        case chunkCRC = "chunk-crc"
        case sha256
        case needsNewerReader = "needs-newer-reader"
        case limit
        case invalid
        case structure
        /// The file could not be read at all (missing, unreadable, a folder).
        case io
    }

    public var code: Code
    /// What is wrong, and how to fix it when there is a fix.
    public var message: String
    /// The byte offset of the damaged structure or field.
    public var offset: Int?
    /// The type of the chunk it is in (version 2).
    public var chunk: String?
    /// The file, when known.
    public var path: String?

    public init(_ code: Code, _ message: String, offset: Int?, chunk: String? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.chunk = chunk
        self.path = path
    }

    public var description: String {
        var location: [String] = []
        if let path { location.append(path) }
        if let offset { location.append("byte \(offset)") }
        if let chunk { location.append("chunk \(chunk)") }
        let prefix = location.isEmpty ? "" : location.joined(separator: ", ") + ": "
        return prefix + message
    }

    /// This error with the file's path attached.
    func at(path: String) -> ModelFileError {
        var copy = self
        copy.path = path
        return copy
    }
}
