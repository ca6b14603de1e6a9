/// An image that cannot be classified, and why.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notPNG = "not-png"
        case truncated
        case corrupt
        case tooLarge = "too-large"
        case noInk = "no-ink"
        case unreadable
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
