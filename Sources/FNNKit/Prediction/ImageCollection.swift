import Foundation

/// The image files a prediction run covers: files named directly, and the PNG files
/// found in folders (recursively), in sorted path order.
public struct ImageCollection: Sendable {
    /// One file to classify.
    public struct Entry: Sendable, Equatable {
        public var path: String
        /// The path below the folder it was found in (its name, for a file named directly).
        public var relativePath: String
    }

    public var entries: [Entry]
    /// Files in folders that were left out, with the reason.
    public var skipped: [(path: String, reason: String)]

    /// Collects the files of `paths`.
    ///
    /// In folders, a file is taken when it starts with the PNG signature or is named
    /// `.png`; others are skipped with a note, as are dot-files and symbolic links to
    /// folders. A path that does not exist is an entry (it gets an error row).
    public init(_ paths: [String]) {
        var entries: [Entry] = []
        var skipped: [(String, String)] = []
        for path in paths {
            guard FileSystem.isDirectory(path) else {
                entries.append(Entry(path: path, relativePath: Self.lastComponent(path)))
                continue
            }
            let root = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            DirectoryWalker.walk(root) { full, relative in
                if relative.lowercased().hasSuffix(".png") || Self.startsWithPNGSignature(full) {
                    entries.append(Entry(path: full, relativePath: relative))
                } else {
                    skipped.append((full, "not a PNG file"))
                }
            }
        }
        // Byte-wise order, with each key computed once.
        self.entries = entries.map { (Array($0.path.utf8), $0) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
        self.skipped = skipped.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func startsWithPNGSignature(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 8)) ?? Data()
        return PNGCodec.hasSignature([UInt8](head))
    }
}
