/// An IDX file (MNIST's format) that cannot be used, with the byte where the problem is.
public struct IDXError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// The offset in the (decompressed) IDX data, when the problem has one.
    public var offset: Int?

    public init(path: String, message: String, offset: Int?) {
        self.path = path
        self.message = message
        self.offset = offset
    }

    public var description: String {
        if let offset { return "\(path): byte \(offset): \(message)" }
        return "\(path): \(message)"
    }
}
