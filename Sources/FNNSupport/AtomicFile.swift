#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers see either the old file or the complete new one, never a
/// half-written one: the bytes go to a temporary file in the same folder, are flushed to
/// disk, and the temporary file is then renamed into place.
package enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// - Parameter overwrite: when `false`, an existing file at `path` is left alone and
    ///   the write fails.
    package static func write(_ bytes: [UInt8], to path: String, overwrite: Bool) throws(FileAccessError) {
        let folder = parentFolder(of: path)
        let name = String(path.split(separator: "/").last ?? Substring(path))
        var template = Array("\(folder)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard descriptor >= 0 else {
            throw FileAccessError(path: path, message: "cannot create a file in \(folder) (\(errorText()))")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var success = false
        defer {
            if !success { unlink(temporary) }
        }
        if let failure = FileDescriptorWriting.writeAll(descriptor, bytes) {
            close(descriptor)
            throw FileAccessError(path: path, message: "cannot be written (\(failure.reason))")
        }
        fchmod(descriptor, 0o644)
        guard fsync(descriptor) == 0 else {
            let reason = errorText()
            close(descriptor)
            throw FileAccessError(path: path, message: "cannot be flushed to disk (\(reason))")
        }
        close(descriptor)
        if overwrite {
            guard rename(temporary, path) == 0 else {
                throw FileAccessError(path: path, message: "cannot be replaced (\(errorText()))")
            }
        } else {
            // link(2) fails if the target exists, so an existing file is never replaced.
            guard link(temporary, path) == 0 else {
                let exists = errno == EEXIST
                throw FileAccessError(
                    path: path,
                    message: exists ? "already exists (pass --force to replace it)" : "cannot be created (\(errorText()))")
            }
            unlink(temporary)
        }
        success = true
        let directory = open(folder, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    package static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
