#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks a folder tree with `openat`/`fdopendir`/`readdir`, keeping names as bytes.
/// Dot-files and dot-folders are left out, and symbolic links are never followed: each
/// folder below the root is opened relative to its parent with `O_NOFOLLOW`, so a link
/// swapped in during the walk cannot lead outside the tree.
package enum DirectoryWalker {
    /// One entry found below the root that is not a folder.
    package struct Found {
        /// The full path (root + relative path).
        package var path: BytePath
        /// The path below the root.
        package var relativePath: BytePath
        /// `nil` for a regular file, else what it is in words ("is a named pipe …").
        package var notRegular: String?
    }

    /// Calls `visit` for every entry below `root` that is not a folder (regular files,
    /// and pipes, sockets, devices and symbolic links, which are reported, not opened).
    ///
    /// The corresponding C functions are `open`, `openat`, `fdopendir`, `readdir`,
    /// `fstatat` and `closedir`.
    package static func walk(_ root: BytePath, _ visit: (Found) -> Void) {
        let descriptor = root.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { return }
        walk(descriptor, path: root, prefix: nil, depth: 0, visit)
    }

    /// Folders nested deeper than this are not entered (a path that long cannot be
    /// opened by name anyway).
    package static let maximumDepth = 256

    /// Walks the open folder `descriptor` (and closes it).
    private static func walk(_ descriptor: Int32, path: BytePath, prefix: BytePath?, depth: Int, _ visit: (Found) -> Void) {
        guard let directory = fdopendir(descriptor) else {
            close(descriptor)
            return
        }
        defer { closedir(directory) }
        var names: [(BytePath, UInt8)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in Array(buffer.prefix { $0 != 0 }) }
            guard name.first != UInt8(ascii: ".") else { continue }
            names.append((BytePath(bytes: name), entry.pointee.d_type))
        }
        names.sort { $0.0 < $1.0 }
        let folder = dirfd(directory)
        for (name, type) in names {
            let full = path.appending(name)
            let relative = prefix.map { $0.appending(name) } ?? name
            var kind = type
            var notRegular: String?
            if kind == UInt8(DT_UNKNOWN) || kind != UInt8(DT_REG) && kind != UInt8(DT_DIR) {
                var status = stat()
                guard name.withCString({ fstatat(folder, $0, &status, AT_SYMLINK_NOFOLLOW) }) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: kind = UInt8(DT_DIR)
                case S_IFREG: kind = UInt8(DT_REG)
                default:
                    kind = UInt8(DT_UNKNOWN)
                    notRegular = FileBytes.describe(status.st_mode)
                }
            }
            if kind == UInt8(DT_DIR) {
                guard depth < maximumDepth else { continue }
                let child = name.withCString { openat(folder, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                guard child >= 0 else { continue }
                walk(child, path: full, prefix: relative, depth: depth + 1, visit)
            } else {
                visit(Found(path: full, relativePath: relative, notRegular: kind == UInt8(DT_REG) ? nil : notRegular))
            }
        }
    }
}
