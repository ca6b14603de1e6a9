#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks a folder tree with `opendir`/`readdir`, reporting regular files. Dot-files and
/// dot-folders are left out, and symbolic links are never followed.
enum DirectoryWalker {
    /// Calls `visit(path, relativePath)` for every regular file below `root`.
    ///
    /// The corresponding C functions are `opendir`, `readdir`, `lstat` and `closedir`.
    static func walk(_ root: String, _ visit: (String, String) -> Void) {
        walk(root, prefix: "", visit)
    }

    private static func walk(_ folder: String, prefix: String, _ visit: (String, String) -> Void) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        var names: [(String, UInt8)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { buffer in
                String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard !name.hasPrefix(".") else { continue }
            names.append((name, entry.pointee.d_type))
        }
        for (name, type) in names {
            let path = folder + "/" + name
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            var kind = type
            if kind == UInt8(DT_UNKNOWN) {
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: kind = UInt8(DT_DIR)
                case S_IFREG: kind = UInt8(DT_REG)
                default: kind = UInt8(DT_LNK)
                }
            }
            if kind == UInt8(DT_DIR) {
                walk(path, prefix: relative, visit)
            } else if kind == UInt8(DT_REG) {
                visit(path, relative)
            }
        }
    }
}
