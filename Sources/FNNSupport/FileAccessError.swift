/// A file that could not be read or written.
package struct FileAccessError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is, for callers to act on without matching message text.
    package enum Code: String, Sendable {
        /// The file does not exist.
        case notFound = "not-found"
        /// It is a folder, a named pipe, a device, a socket or a symbolic link that was
        /// not to be followed (or a loop of them): only regular files are read.
        case notRegular = "not-regular"
        /// It is larger than the limit the caller set.
        case tooLarge = "too-large"
        /// The system refused access.
        case permission
        /// Any other failure to open, read or write.
        case io
    }

    package var code: Code
    /// The path, escaped for display (see `BytePath`).
    package var path: String
    package var message: String

    package init(path: String, message: String) {
        self.init(.io, path: path, message: message)
    }

    package init(_ code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}
