#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small questions about paths, answered with `stat` (which follows symbolic links: the
/// paths asked about were named by the user). None of them opens the file, so none can
/// block on a named pipe.
package enum FileSystem {
    /// Whether something that is not a folder exists at `path` (after following links).
    /// A named pipe or a device counts, so that reading it reports what it is
    /// (`FileBytes.read` refuses everything but regular files) rather than "missing".
    package static func isRegularFile(_ path: String) -> Bool {
        mode(BytePath(path)).map { $0 & S_IFMT != S_IFDIR } ?? false
    }

    package static func isDirectory(_ path: String) -> Bool {
        isDirectory(BytePath(path))
    }

    package static func isDirectory(_ path: BytePath) -> Bool {
        mode(path).map { $0 & S_IFMT == S_IFDIR } ?? false
    }

    /// Whether something exists at `path` (a dangling link does not count).
    package static func exists(_ path: String) -> Bool {
        mode(BytePath(path)) != nil
    }

    /// Creates the folder `path` and any missing folders above it (`mkdir -p`).
    /// - Throws: `FileAccessError` naming the folder that could not be made.
    package static func createDirectories(_ path: String) throws(FileAccessError) {
        guard !path.isEmpty, !isDirectory(path) else { return }
        let parent = AtomicFile.parentFolder(of: path)
        if parent != path, parent != "." { try createDirectories(parent) }
        guard mkdir(path, 0o755) == 0 || (errno == EEXIST && isDirectory(path)) else {
            throw FileAccessError(path: path, message: "cannot be created as a folder (\(String(cString: strerror(errno))))")
        }
    }

    private static func mode(_ path: BytePath) -> mode_t? {
        var status = stat()
        guard path.withCString({ stat($0, &status) }) == 0 else { return nil }
        return status.st_mode
    }
}
