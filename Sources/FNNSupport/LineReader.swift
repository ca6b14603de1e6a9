#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line in pieces, so that memory stays bounded however large the
/// file: each line comes with the offset it starts at and whether a newline ends it (the
/// last line of a file cut off mid-write does not have one). A line longer than the
/// limit is handed over cut to the limit, marked `tooLong`, and the rest of it skipped.
package struct LineReader: ~Copyable {
    /// One line, without its newline.
    package struct Line {
        package var bytes: ArraySlice<UInt8>
        /// The offset of its first byte in the file.
        package var offset: Int
        /// Whether a newline ends it.
        package var terminated: Bool
        /// Whether it was longer than the limit (and `bytes` holds only its start).
        package var tooLong: Bool
    }

    private let descriptor: Int32
    private let path: String
    private let maximumLineLength: Int

    /// Opens `path` (a regular file) for reading.
    package init(_ path: String, maximumLineLength: Int = 1 << 20) throws(FileAccessError) {
        let descriptor = BytePath(path).withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
        guard descriptor >= 0 else {
            let notFound = errno == ENOENT
            throw FileAccessError(notFound ? .notFound : .io, path: path, message: notFound ? "no such file" : "cannot be opened (\(String(cString: strerror(errno))))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw FileAccessError(.notRegular, path: path, message: "is not a regular file")
        }
        self.descriptor = descriptor
        self.path = path
        self.maximumLineLength = max(1, maximumLineLength)
    }

    deinit {
        close(descriptor)
    }

    /// Calls `body` with every line in order; `body` returns false to stop.
    package func forEachLine(_ body: (Line) throws(FileAccessError) -> Bool) throws(FileAccessError) {
        var pending: [UInt8] = []
        var pendingOffset = 0
        var skippingRest = false
        var fileOffset = 0
        var piece = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = piece.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(.io, path: path, message: "cannot be read (\(String(cString: strerror(errno))))")
            }
            if count == 0 { break }
            var start = 0
            while start < count {
                let newline = piece[start..<count].firstIndex(of: 0x0A)
                let end = newline ?? count
                if skippingRest {
                    if newline != nil { skippingRest = false }
                } else {
                    if pending.isEmpty { pendingOffset = fileOffset + start }
                    pending += piece[start..<end]
                    if pending.count > maximumLineLength {
                        let line = Line(bytes: pending[0..<maximumLineLength], offset: pendingOffset, terminated: newline != nil, tooLong: true)
                        pending.removeAll(keepingCapacity: true)
                        skippingRest = newline == nil
                        guard try body(line) else { return }
                    } else if newline != nil {
                        let line = Line(bytes: pending[...], offset: pendingOffset, terminated: true, tooLong: false)
                        guard try body(line) else { return }
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                start = end + 1
            }
            fileOffset += count
        }
        if !pending.isEmpty {
            _ = try body(Line(bytes: pending[...], offset: pendingOffset, terminated: false, tooLong: false))
        }
    }
}
