import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Instance names and their locks.
@Suite struct WatchInstanceTests {
    @Test(arguments: ["w0", "host-1", "a.b_c-d", String(repeating: "n", count: 64)])
    func safeNamesAreAccepted(_ name: String) {
        #expect(WatchInstance.problem(with: name) == nil)
    }

    @Test(arguments: ["", ".x", "-x", "a/b", "../x", "a b", "caf\u{E9}", "results", String(repeating: "n", count: 65)])
    func unsafeNamesAreRefused(_ name: String) {
        #expect(WatchInstance.problem(with: name) != nil)
    }

    /// Unnamed instances get HOST-0, HOST-1, …; a released name is handed out again, and a
    /// held one is refused after the wait.
    @Test func defaultNamesAreTheLowestFree() throws {
        let root = try Fixtures.temporaryFolder()
        let layout = WatchLayout(root: root)
        try FileSystem.createDirectories(layout.instances)
        let stem = WatchInstance.hostStem()
        var first: WatchInstance? = try WatchInstance.acquire(nil, in: layout)
        let second = try WatchInstance.acquire(nil, in: layout)
        #expect(first?.name == "\(stem)-0")
        #expect(second.name == "\(stem)-1")
        #expect(throws: FileAccessError.self) { _ = try WatchInstance.acquire(second.name, in: layout, waitSeconds: 0.1) }
        first = nil
        #expect(try WatchInstance.acquire(nil, in: layout).name == "\(stem)-0")
    }
}
