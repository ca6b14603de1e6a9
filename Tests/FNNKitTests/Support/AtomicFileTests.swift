import FNNKit
import FNNTestSupport
import Foundation
import Testing

@Suite struct AtomicFileTests {
    @Test func aWriterShowsNothingUntilItCommits() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/rows.csv"
        do {
            let writer = try AtomicFile.Writer(path, overwrite: false)
            for row in 0..<20_000 { try writer.append("row \(row)\n") }
            #expect(!FileManager.default.fileExists(atPath: path))
            // Released without commit: the temporary file goes too.
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let writer = try AtomicFile.Writer(path, overwrite: false)
        for row in 0..<20_000 { try writer.append("row \(row)\n") }
        try writer.commit()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 20_000)
        #expect(text.hasSuffix("row 19999\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["rows.csv"])
    }

    @Test func anExistingFileIsReplacedOnlyWhenAllowed() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/model.fnn"
        try AtomicFile.write(Array("old".utf8), to: path, overwrite: false)
        let error = #expect(throws: FileAccessError.self) { try AtomicFile.Writer(path, overwrite: false) }
        #expect(error?.message.contains("already exists") == true)
        try AtomicFile.write(Array("new".utf8), to: path, overwrite: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    }

    @Test func foldersAreCreatedWithTheirParents() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileSystem.createDirectories(folder + "/a/b/c")
        #expect(FileSystem.isDirectory(folder + "/a/b/c"))
        try AtomicFile.write([1], to: folder + "/a/file", overwrite: false)
        let error = #expect(throws: FileAccessError.self) { try FileSystem.createDirectories(folder + "/a/file/d") }
        #expect(error?.path == folder + "/a/file")
    }
}
