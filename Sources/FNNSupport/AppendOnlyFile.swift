#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that grows only at its end, each piece made durable before the next is written:
/// a process killed at any moment leaves every piece before the last whole, and at worst
/// a torn last line (which the reader of the file cuts off).
package final class AppendOnlyFile {
    package let path: String
    private let descriptor: Int32

    /// Opens `path` for appending, creating it when missing, after cutting it to
    /// `length` bytes when given (to drop a torn last line).
    package init(_ path: String, truncatingTo length: Int? = nil) throws(FileAccessError) {
        let descriptor = BytePath(path).withCString { open($0, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else {
            throw FileAccessError(path: path, message: "cannot be opened for appending (\(String(cString: strerror(errno))))")
        }
        if let length {
            guard ftruncate(descriptor, off_t(length)) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw FileAccessError(path: path, message: "cannot be cut to its last whole line (\(reason))")
            }
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The file's size now.
    package var size: Int {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Appends `bytes` and flushes them to disk.
    package func append(_ bytes: [UInt8]) throws(FileAccessError) {
        if let failure = FileDescriptorWriting.writeAll(descriptor, bytes) {
            throw FileAccessError(path: path, message: "cannot be written (\(failure.reason))")
        }
        #if canImport(Glibc)
        let synced = fdatasync(descriptor)
        #else
        let synced = fsync(descriptor)
        #endif
        guard synced == 0 else {
            throw FileAccessError(path: path, message: "cannot be flushed to disk (\(String(cString: strerror(errno))))")
        }
    }
}
