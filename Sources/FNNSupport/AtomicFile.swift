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
        let writer = try Writer(path, overwrite: overwrite)
        try writer.append(bytes)
        try writer.commit()
    }

    /// A file written in pieces and put in place whole: the pieces go to a temporary file
    /// beside `path`, and `commit()` flushes it and renames it into place. A writer
    /// released without `commit()` removes its temporary file, so an interrupted run
    /// leaves nothing half-written under the real name.
    package final class Writer {
        package let path: String
        private let overwrite: Bool
        private let temporary: String
        private var descriptor: Int32
        private var committed = false
        private var buffer: [UInt8] = []
        private static let bufferSize = 1 << 16

        /// Creates the temporary file; an existing `path` without `overwrite` is refused
        /// here already, before any work is done for it.
        package init(_ path: String, overwrite: Bool) throws(FileAccessError) {
            if !overwrite, FileSystem.exists(path) {
                throw FileAccessError(path: path, message: "already exists (pass --force to replace it)")
            }
            let folder = AtomicFile.parentFolder(of: path)
            let name = String(path.split(separator: "/").last ?? Substring(path))
            var template = Array("\(folder)/.\(name).tmp-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
            guard descriptor >= 0 else {
                throw FileAccessError(path: path, message: "cannot create a file in \(folder) (\(AtomicFile.errorText()))")
            }
            self.path = path
            self.overwrite = overwrite
            self.descriptor = descriptor
            self.temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        deinit {
            if descriptor >= 0 { close(descriptor) }
            if !committed { unlink(temporary) }
        }

        /// Adds bytes at the end (buffered).
        package func append(_ bytes: [UInt8]) throws(FileAccessError) {
            buffer += bytes
            if buffer.count >= Self.bufferSize { try flushBuffer() }
        }

        /// Adds text at the end, as UTF-8.
        package func append(_ text: String) throws(FileAccessError) {
            try append(Array(text.utf8))
        }

        private func flushBuffer() throws(FileAccessError) {
            guard !buffer.isEmpty else { return }
            if let failure = FileDescriptorWriting.writeAll(descriptor, buffer) {
                throw FileAccessError(path: path, message: "cannot be written (\(failure.reason))")
            }
            buffer.removeAll(keepingCapacity: true)
        }

        /// Flushes the file to disk and puts it in place; the writer is finished after it.
        package func commit() throws(FileAccessError) {
            try flushBuffer()
            fchmod(descriptor, 0o644)
            guard fsync(descriptor) == 0 else {
                throw FileAccessError(path: path, message: "cannot be flushed to disk (\(AtomicFile.errorText()))")
            }
            close(descriptor)
            descriptor = -1
            if overwrite {
                guard rename(temporary, path) == 0 else {
                    throw FileAccessError(path: path, message: "cannot be replaced (\(AtomicFile.errorText()))")
                }
            } else {
                // link(2) fails if the target exists, so an existing file is never replaced.
                guard link(temporary, path) == 0 else {
                    let exists = errno == EEXIST
                    throw FileAccessError(
                        path: path,
                        message: exists ? "already exists (pass --force to replace it)" : "cannot be created (\(AtomicFile.errorText()))")
                }
                unlink(temporary)
            }
            committed = true
            AtomicFile.syncFolder(of: path)
        }
    }

    package static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// Flushes the folder holding `path`, so that a rename into it survives a crash.
    static func syncFolder(of path: String) {
        let directory = open(parentFolder(of: path), O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
