import FNNImage
import FNNSupport

/// The image files a prediction run covers: files named directly, and the PNG files
/// found in folders (recursively), in sorted path order.
///
/// Paths are kept as bytes (`BytePath`), so files whose names are not UTF-8 are opened
/// and reported as what they are.
package struct ImageCollection: Sendable {
    /// One file to classify.
    package struct Entry: Sendable, Equatable {
        /// The path for display and for matching labels (U+FFFD for bytes that are not
        /// UTF-8); `location` is what is opened.
        package var path: String
        /// The path below the folder it was found in (its name, for a file named directly).
        package var relativePath: String
        /// The path as bytes, as the system gave it.
        package var location: BytePath
        /// Whether a symbolic link as its last component is followed: yes for a file named
        /// by the user, never for one found in a folder.
        package var followLinks: Bool

        package init(path: String, relativePath: String) {
            self.init(location: BytePath(path), relativePath: BytePath(relativePath), followLinks: true)
        }

        package init(location: BytePath, relativePath: BytePath, followLinks: Bool) {
            self.path = location.lossy
            self.relativePath = relativePath.lossy
            self.location = location
            self.followLinks = followLinks
        }
    }

    package var entries: [Entry]
    /// Files in folders that were left out, with the reason.
    package var skipped: [(path: BytePath, reason: String)]

    /// Collects the files of `paths`.
    ///
    /// In folders, a regular file is taken when it starts with the PNG signature or is
    /// named `.png`; others are skipped with a note, as are dot-files. Symbolic links,
    /// named pipes, sockets and devices in folders are never opened: one named `.png`
    /// gets an entry (its row then says what it is), others are skipped with a note. A
    /// path that does not exist, or is not a regular file, is an entry (it gets an error
    /// row).
    package init(_ paths: [String]) {
        self.init(paths.map { BytePath($0) })
    }

    /// Collects the files of `paths`, given as bytes.
    package init(_ paths: [BytePath]) {
        var entries: [Entry] = []
        var skipped: [(BytePath, String)] = []
        for path in paths {
            guard FileSystem.isDirectory(path) else {
                entries.append(Entry(location: path, relativePath: path.lastComponent, followLinks: true))
                continue
            }
            var root = path
            while root.bytes.count > 1, root.bytes.last == UInt8(ascii: "/") { root.bytes.removeLast() }
            DirectoryWalker.walk(root) { found in
                let namedPNG = found.relativePath.hasSuffixIgnoringCase(".png")
                if let kind = found.notRegular {
                    if namedPNG {
                        entries.append(Entry(location: found.path, relativePath: found.relativePath, followLinks: false))
                    } else {
                        skipped.append((found.path, kind))
                    }
                } else if namedPNG || Self.startsWithPNGSignature(found.path) {
                    entries.append(Entry(location: found.path, relativePath: found.relativePath, followLinks: false))
                } else {
                    skipped.append((found.path, "not a PNG file"))
                }
            }
        }
        // Byte-wise order.
        self.entries = entries.sorted { $0.location < $1.location }
        self.skipped = skipped.sorted { $0.0 < $1.0 }
    }

    static func lastComponent(_ path: String) -> String {
        BytePath(path).lastComponent.lossy
    }

    /// Whether a regular file starts with the PNG signature. Never blocks (a named pipe
    /// is not a regular file and is not read) and never follows a symbolic link.
    static func startsWithPNGSignature(_ path: BytePath) -> Bool {
        guard let head = FileBytes.head(path, count: 8) else { return false }
        return PNGCodec.hasSignature(head)
    }
}
