import FNNImage
import FNNSupport

/// The image files a prediction run covers: files named directly, and the PNG files
/// found in folders (recursively), in sorted path order.
///
/// Paths are kept as bytes (`BytePath`), so files whose names are not UTF-8 are opened
/// and reported as what they are.
package struct ImageCollection: Sendable {
    /// One file to classify. Held compactly (the path's bytes once), since a run may list
    /// millions of files before it classifies any.
    package struct Entry: Sendable, Equatable {
        /// The path as bytes, as the system gave it: what is opened.
        package var location: BytePath
        /// Where the relative path starts in `location`, or the relative path itself when
        /// it is not a suffix of `location`.
        private var relative: Relative
        /// Whether a symbolic link as its last component is followed: yes for a file named
        /// by the user, never for one found in a folder.
        package var followLinks: Bool

        private enum Relative: Sendable, Equatable {
            case suffix(from: Int)
            case separate(BytePath)
        }

        package init(path: String, relativePath: String) {
            self.init(location: BytePath(path), relativePath: BytePath(relativePath), followLinks: true)
        }

        package init(location: BytePath, relativePath: BytePath, followLinks: Bool) {
            self.location = location
            self.followLinks = followLinks
            let start = location.bytes.count - relativePath.bytes.count
            if start >= 0, location.bytes[start...].elementsEqual(relativePath.bytes) {
                relative = .suffix(from: start)
            } else {
                relative = .separate(relativePath)
            }
        }

        /// The path for display and for matching labels (U+FFFD for bytes that are not
        /// UTF-8); `location` is what is opened.
        package var path: String { location.lossy }

        /// The path below the folder it was found in (its name, for a file named directly), as bytes.
        package var relativeLocation: BytePath {
            switch relative {
            case .suffix(let start): BytePath(bytes: Array(location.bytes[start...]))
            case .separate(let path): path
            }
        }

        /// The path below the folder it was found in (its name, for a file named directly).
        package var relativePath: String { relativeLocation.lossy }

        /// What `--shard` hashes: the path below the folder named on the command line, or
        /// the path as given for a file named directly (`Shard`).
        package var shardKey: BytePath { followLinks ? location : relativeLocation }
    }

    package var entries: [Entry]
    /// Files in folders that were left out, with the reason.
    package var skipped: [Skipped]

    /// A file in a folder that is not classified.
    package struct Skipped: Sendable, Equatable {
        package var path: BytePath
        /// Its key for `--shard`, so that each shard notes only its own.
        package var shardKey: BytePath
        package var reason: String
    }

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

    /// Collects the files of `paths`, given as bytes, keeping only those of `shard`.
    package init(_ paths: [BytePath], shard: Shard? = nil) {
        var entries: [Entry] = []
        var skipped: [Skipped] = []
        let keep = { (key: BytePath) in shard?.contains(key) ?? true }
        for path in paths {
            guard FileSystem.isDirectory(path) else {
                if keep(path) { entries.append(Entry(location: path, relativePath: path.lastComponent, followLinks: true)) }
                continue
            }
            var root = path
            while root.bytes.count > 1, root.bytes.last == UInt8(ascii: "/") { root.bytes.removeLast() }
            DirectoryWalker.walk(root) { found in
                guard keep(found.relativePath) else { return }
                let namedPNG = found.relativePath.hasSuffixIgnoringCase(".png")
                if let kind = found.notRegular {
                    if namedPNG {
                        entries.append(Entry(location: found.path, relativePath: found.relativePath, followLinks: false))
                    } else {
                        skipped.append(Skipped(path: found.path, shardKey: found.relativePath, reason: kind))
                    }
                } else if namedPNG || Self.startsWithPNGSignature(found.path) {
                    entries.append(Entry(location: found.path, relativePath: found.relativePath, followLinks: false))
                } else {
                    skipped.append(Skipped(path: found.path, shardKey: found.relativePath, reason: "not a PNG file"))
                }
            }
        }
        // Byte-wise order.
        self.entries = entries.sorted { $0.location < $1.location }
        self.skipped = skipped.sorted { $0.path < $1.path }
    }

    /// The paths listed in `bytes` (the contents of a `--files-from` file): one a line, or
    /// separated by NUL bytes when `nulSeparated`. Empty entries are passed over; nothing
    /// else is trimmed, since a path may hold any byte but NUL (and, one a line, newline).
    package static func listedPaths(_ bytes: [UInt8], nulSeparated: Bool) -> [BytePath] {
        bytes.split(separator: nulSeparated ? 0 : UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .map { BytePath(bytes: Array($0)) }
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
