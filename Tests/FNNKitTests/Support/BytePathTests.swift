import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The byte-path escaping is reversible, and `FileBytes` says what a path is with a code.
@Suite struct BytePathTests {
    /// Undoes `BytePath.escaped`: `\\` is a backslash, `\xHH` the byte HH.
    static func unescape(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { return nil }
                if bytes[index + 1] == UInt8(ascii: "\\") {
                    output.append(UInt8(ascii: "\\"))
                    index += 2
                } else if bytes[index + 1] == UInt8(ascii: "x"), index + 3 < bytes.count,
                    let byte = BytePath.fromHex(String(decoding: bytes[(index + 2)...(index + 3)], as: UTF8.self))?.bytes.first
                {
                    output.append(byte)
                    index += 4
                } else {
                    return nil
                }
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    @Test(arguments: [
        [UInt8]("plain.png".utf8), [UInt8]("new\nline".utf8), [0x1B, 0x5B, 0x33, 0x31, 0x6D], [0xFF, 0xFE, 0x80],
        [UInt8]("back\\x41slash".utf8), [0xC2, 0x9B], [0xE2, 0x82], [UInt8]("é ü 7".utf8), [0x7F, 0x00, 0x09],
    ])
    func escapingIsReversibleAndPrintable(_ bytes: [UInt8]) {
        let escaped = BytePath(bytes: bytes).escaped
        #expect(Self.unescape(escaped) == bytes, "\(escaped)")
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test func distinctNamesStayDistinct() {
        let a = BytePath(bytes: Array("bad".utf8) + [0xFF] + Array("utf8.png".utf8))
        let b = BytePath(bytes: Array("bad".utf8) + [0xFE] + Array("utf8.png".utf8))
        #expect(a.lossy == b.lossy)
        #expect(a.escaped != b.escaped)
        #expect(a.hex != b.hex)
        #expect(BytePath.fromHex(a.hex) == a)
        #expect(BytePath("x\\x41").escaped != BytePath("xA").escaped)
    }

    @Test func fileBytesGivesACodeForEveryKindOfRefusal() throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(mkfifo(folder + "/pipe", 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder + "/loop", withDestinationPath: folder + "/loop")
        try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: folder + "/pipe")
        try Data(count: 100).write(to: URL(fileURLWithPath: folder + "/file"))
        func code(_ path: String, limit: Int = 1 << 20, follow: Bool = true) -> FileAccessError.Code? {
            do {
                _ = try FileBytes.read(BytePath(path), limit: limit, followLinks: follow)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(folder + "/none") == .notFound)
        #expect(code(folder + "/pipe") == .notRegular)
        #expect(code(folder + "/link") == .notRegular)
        #expect(code(folder + "/loop") == .notRegular)
        #expect(code(folder) == .notRegular)
        #expect(code("/dev/zero") == .notRegular)
        #expect(code(folder + "/file", limit: 10) == .tooLarge)
        #expect(code(folder + "/file") == nil)
        try FileManager.default.createSymbolicLink(atPath: folder + "/file-link", withDestinationPath: folder + "/file")
        #expect(code(folder + "/file-link") == nil)
        #expect(code(folder + "/file-link", follow: false) == .notRegular)
        // The message PNGDecoder matches on is kept.
        #expect(throws: FileAccessError.self) { try FileBytes.read(folder + "/file", limit: 10) }
        #expect((try? FileBytes.read(folder + "/file", limit: 10)) == nil)
        do { _ = try FileBytes.read(folder + "/file", limit: 10) } catch { #expect(error.message.contains("over the limit")) }
    }
}
