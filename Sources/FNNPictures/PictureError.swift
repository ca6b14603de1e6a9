import Foundation

/// A picture that cannot be drawn, and why.
public struct PictureError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
