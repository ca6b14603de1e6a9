#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written.
public struct FileAccessError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Whole-file reads with a size limit checked before reading.
public enum FileBytes {
    /// Reads a regular file, refusing folders and files over `limit` bytes.
    ///
    /// The corresponding C functions are `open`, `fstat` and `read`.
    public static func read(_ path: String, limit: Int) throws(FileAccessError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FileAccessError(path: path, message: errno == ENOENT ? "no such file" : "cannot be opened (\(errorText()))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FileAccessError(path: path, message: "cannot be examined (\(errorText()))")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw FileAccessError(path: path, message: "is a folder, not a file")
        }
        let size = Int(status.st_size)
        guard size <= limit else {
            throw FileAccessError(path: path, message: "is \(size) bytes, over the limit of \(limit)")
        }
        // A regular file is read to the size it had when opened (a file still being
        // written is caught by its format's own checks); other files (pipes) to their end.
        let regular = (status.st_mode & S_IFMT) == S_IFREG
        var bytes = [UInt8](repeating: 0, count: regular ? size : 65_536)
        var filled = 0
        while true {
            if filled == bytes.count {
                if regular { break }
                guard bytes.count < limit else {
                    throw FileAccessError(path: path, message: "is over the limit of \(limit) bytes")
                }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(path: path, message: "cannot be read (\(errorText()))")
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    private static func systemRead(_ descriptor: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, pointer, count)
        #else
        Darwin.read(descriptor, pointer, count)
        #endif
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
