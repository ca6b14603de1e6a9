import FNNKit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The things a hostile or careless producer drops into a folder: a FIFO and a folder
/// named like PNGs, symbolic links out of the folder and in a loop, a file with mode 000,
/// a 200 MB file, and names with a newline, a comma, a quote, ESC or bytes that are not
/// UTF-8.
package enum HostileFiles {
    package static let pipe = BytePath("x.png")
    package static let folder = BytePath("y.png")
    package static let linkOut = BytePath("out.png")
    package static let linkLoop = BytePath("loop.png")
    package static let locked = BytePath("locked.png")
    package static let huge = BytePath("big.png")
    /// Regular PNG files of a 7 with awkward names.
    package static let awkward: [BytePath] = [
        BytePath("new\nline.png"), BytePath("a,b.png"), BytePath("say \"7\".png"), BytePath("esc\u{1B}[31m.png"),
        BytePath("back\\x41slash.png"),
        BytePath(bytes: Array("caf".utf8) + [0xE9] + Array(".png".utf8)),
        BytePath(bytes: Array("bad".utf8) + [0xFF] + Array("utf8.png".utf8)),
        BytePath(bytes: Array("bad".utf8) + [0xFE] + Array("utf8.png".utf8)),
    ]
    /// The entries that are not regular files.
    package static let notRegular = [pipe, folder, linkOut, linkLoop]

    /// Writes `bytes` to `path` (a path of any bytes); returns whether it worked.
    @discardableResult
    package static func write(_ bytes: [UInt8], to path: BytePath, mode: mode_t = 0o644) -> Bool {
        let descriptor = path.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count
    }

    /// Creates every hostile entry in `folder`, each regular one holding `png`; a PNG
    /// outside the folder, the links' target, is written next to it. The folder entry
    /// `y.png` holds one PNG, `inner.png`. Returns the link target.
    @discardableResult
    package static func populate(_ directory: String, png: [UInt8]) throws -> String {
        let base = BytePath(directory)
        let outside = URL(fileURLWithPath: directory).deletingLastPathComponent().path + "/outside-\(UUID().uuidString).png"
        guard write(png, to: BytePath(outside)),
            base.appending(pipe).withCString({ mkfifo($0, 0o644) }) == 0,
            base.appending(folder).withCString({ mkdir($0, 0o755) }) == 0,
            write(png, to: base.appending(folder).appending(BytePath("inner.png"))),
            base.appending(linkOut).withCString({ target in BytePath(outside).withCString { symlink($0, target) } }) == 0,
            base.appending(linkLoop).withCString({ symlink($0, $0) }) == 0,
            write(png, to: base.appending(locked), mode: 0o000),
            base.appending(locked).withCString({ chmod($0, 0o000) }) == 0,
            write([], to: base.appending(huge)),
            base.appending(huge).withCString({ truncate($0, 200 << 20) }) == 0
        else { throw HostileFilesError(message: "cannot create the hostile files in \(directory): \(String(cString: strerror(errno)))") }
        for name in awkward where !write(png, to: base.appending(name)) {
            throw HostileFilesError(message: "cannot create \(name.escaped) in \(directory)")
        }
        return outside
    }

    /// Whether this process can read a file with mode 000 (root can).
    package static var readsModeZero: Bool { geteuid() == 0 }
}

package struct HostileFilesError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
