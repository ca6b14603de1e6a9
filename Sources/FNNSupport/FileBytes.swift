#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads with a size limit checked before reading. This is the one whole-file
/// reader (models, IDX files, labels, PNG images). It reads regular files only: it opens
/// without blocking (`O_NONBLOCK`, so a named pipe cannot hang it), examines what it
/// opened with `fstat`, and refuses folders, pipes, devices and sockets with a message
/// that says what the path is.
package enum FileBytes {
    /// Reads a regular file, refusing anything else and files over `limit` bytes.
    ///
    /// The corresponding C functions are `open`, `fstat` and `read`.
    /// - Parameters:
    ///   - path: the file; symbolic links are followed (it was named by the user).
    ///   - limit: the largest size accepted, checked before reading.
    package static func read(_ path: String, limit: Int) throws(FileAccessError) -> [UInt8] {
        try read(BytePath(path), limit: limit, followLinks: true)
    }

    /// Reads a regular file, refusing anything else and files over `limit` bytes.
    ///
    /// The corresponding C functions are `open`, `fstat` and `read`.
    /// - Parameters:
    ///   - path: the file, as bytes.
    ///   - limit: the largest size accepted, checked before reading.
    ///   - followLinks: when `false`, a symbolic link as the last component is refused
    ///     (`O_NOFOLLOW`): files found inside folders are never followed elsewhere.
    package static func read(_ path: BytePath, limit: Int, followLinks: Bool) throws(FileAccessError) -> [UInt8] {
        let descriptor = try openRegular(path, followLinks: followLinks, limit: limit)
        defer { close(descriptor.descriptor) }
        // A regular file is read to the size it had when opened (a file still being
        // written is caught by its format's own checks). Files of the kernel's own file
        // systems (/proc, /sys) report a size of 0: those are read to their end, in
        // pieces, up to the limit.
        let growing = descriptor.size == 0
        var bytes = [UInt8](repeating: 0, count: growing ? min(limit, 65_536) : descriptor.size)
        var filled = 0
        while true {
            if filled == bytes.count {
                guard growing, bytes.count < limit else { break }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit - bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { buffer in
                systemRead(descriptor.descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(.io, path: path.escaped, message: "cannot be read (\(errorText()))")
            }
            if count == 0 { break }
            filled += count
        }
        if growing, filled == limit, limit > 0 {
            // Full to the limit: see whether more follows.
            var probe: UInt8 = 0
            if systemRead(descriptor.descriptor, &probe, 1) > 0 {
                throw FileAccessError(.tooLarge, path: path.escaped, message: "is over the limit of \(limit) bytes")
            }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Reads everything from `path` to its end, up to `limit` bytes: a regular file, or a
    /// pipe such as standard input (`path` nil) or a shell's `<(find …)`. Unlike `read`, it
    /// waits for the writer to finish; folders are refused.
    ///
    /// The corresponding C functions are `open`, `fstat` and `read`.
    package static func readStream(_ path: String?, limit: Int) throws(FileAccessError) -> [UInt8] {
        let name = path.map { BytePath($0).escaped } ?? "standard input"
        let descriptor: Int32 = path.map { path in BytePath(path).withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOCTTY) } } ?? 0
        guard descriptor >= 0 else {
            let notFound = errno == ENOENT || errno == ENOTDIR
            throw FileAccessError(notFound ? .notFound : .io, path: name, message: notFound ? "no such file" : "cannot be opened (\(errorText()))")
        }
        defer { if path != nil { close(descriptor) } }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            throw FileAccessError(.notRegular, path: name, message: "is a folder, not a file")
        }
        var bytes: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = piece.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(.io, path: name, message: "cannot be read (\(errorText()))")
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= limit else {
                throw FileAccessError(.tooLarge, path: name, message: "is over the limit of \(limit) bytes")
            }
            bytes += piece[0..<count]
        }
    }

    /// Up to the first `count` bytes of a regular file, or `nil` when it is not one or
    /// cannot be read. Never blocks, and never follows a final symbolic link.
    package static func head(_ path: BytePath, count: Int) -> [UInt8]? {
        guard let opened = try? openRegular(path, followLinks: false, limit: Int.max) else { return nil }
        defer { close(opened.descriptor) }
        var bytes = [UInt8](repeating: 0, count: max(0, count))
        let read = bytes.withUnsafeMutableBytes { pread(opened.descriptor, $0.baseAddress, $0.count, 0) }
        guard read >= 0 else { return nil }
        bytes.removeSubrange(read...)
        return bytes
    }

    /// What a path is, in words, when it is not a regular file (`nil` for a regular file
    /// or one that cannot be examined). Never follows a final symbolic link.
    ///
    /// The corresponding C function is `lstat`.
    package static func kindIfNotRegular(_ path: BytePath) -> String? {
        var status = stat()
        guard path.withCString({ lstat($0, &status) }) == 0 else { return nil }
        return describe(status.st_mode)
    }

    /// Words for a file type that is not a regular file, `nil` for a regular file.
    static func describe(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "is a folder, not a file"
        case S_IFIFO: "is a named pipe (FIFO), not a regular file"
        case S_IFLNK: "is a symbolic link, which is not followed here"
        case S_IFSOCK: "is a socket, not a regular file"
        case S_IFCHR, S_IFBLK: "is a device, not a regular file"
        default: "is not a regular file"
        }
    }

    /// Opens a regular file for reading and returns its descriptor and size.
    private static func openRegular(
        _ path: BytePath, followLinks: Bool, limit: Int
    ) throws(FileAccessError) -> (descriptor: Int32, size: Int) {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followLinks ? 0 : O_NOFOLLOW)
        let descriptor = path.withCString { open($0, flags) }
        guard descriptor >= 0 else {
            let number = errno
            switch number {
            case ENOENT, ENOTDIR: throw FileAccessError(.notFound, path: path.escaped, message: "no such file")
            case EACCES, EPERM: throw FileAccessError(.permission, path: path.escaped, message: "cannot be opened (permission denied)")
            case ELOOP:
                let message = followLinks
                    ? "is a loop of symbolic links" : (kindIfNotRegular(path) ?? "is a symbolic link, which is not followed here")
                throw FileAccessError(.notRegular, path: path.escaped, message: message)
            case ENXIO: throw FileAccessError(.notRegular, path: path.escaped, message: "is a socket or a device without a reader, not a regular file")
            default: throw FileAccessError(.io, path: path.escaped, message: "cannot be opened (\(errorText()))")
            }
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = errorText()
            close(descriptor)
            throw FileAccessError(.io, path: path.escaped, message: "cannot be examined (\(reason))")
        }
        if let kind = describe(status.st_mode) {
            close(descriptor)
            throw FileAccessError(.notRegular, path: path.escaped, message: kind)
        }
        let size = Int(clamping: status.st_size)
        guard size <= limit else {
            close(descriptor)
            throw FileAccessError(.tooLarge, path: path.escaped, message: "is \(size) bytes, over the limit of \(limit)")
        }
        return (descriptor, size)
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
