import Foundation

/// A picture that cannot be drawn, and why.
package struct PictureError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
