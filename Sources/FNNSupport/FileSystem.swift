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

    private static func mode(_ path: BytePath) -> mode_t? {
        var status = stat()
        guard path.withCString({ stat($0, &status) }) == 0 else { return nil }
        return status.st_mode
    }
}
