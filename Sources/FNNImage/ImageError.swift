import FNNSupport

/// An image that cannot be classified, and why.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notPNG = "not-png"
        case truncated
        case corrupt
        case tooLarge = "too-large"
        case noInk = "no-ink"
        /// `--segment`: more digit-like pieces than a row of digits holds.
        case tooManyDigits = "too-many-digits"
        case unreadable
        /// The model gave NaN or infinite outputs for the image.
        case nonFiniteOutput = "non-finite-output"
    }

    public var code: Code
    /// What is wrong, naming the chunk, field and byte offset where there is one.
    public var message: String
    /// The byte offset in the file where the problem was found, if it is in one place.
    public var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}
