#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNSupport

/// One `fnn watch` process among any number serving a folder: its name, and the
/// exclusive lock on `processing/.instances/NAME.lock` it holds for its whole life.
///
/// The name tells whose a claim folder is (`claim-NAME-<16 hex>`) and which results log
/// is its own (`results/NAME.jsonl`). The lock tells whether the owner is alive: the
/// kernel drops it when the process dies, so a claim whose owner's lock can be taken
/// belongs to nobody and may be adopted (see `WatchProcessor.recovery()`), and two live
/// processes can never share a name. Lock files are never removed (removing one while
/// another process waits on it would let two hold "the same" lock).
package final class WatchInstance: Sendable {
    package let name: String
    /// The descriptor holding the lock; closed (and the lock dropped) when this goes away.
    private let descriptor: Int32

    private init(name: String, descriptor: Int32) {
        self.name = name
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The longest name: claim folders and logs are named after it.
    package static let maximumNameLength = 64

    /// What is wrong with `name` as an instance name, or `nil` if it is fine: letters,
    /// digits, `.`, `_` and `-`, at most 64 of them, not starting with `.` or `-`, and not
    /// `results` (whose log would be the single log of fnn before instances).
    package static func problem(with name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "is empty" }
        if bytes.count > maximumNameLength { return "is longer than \(maximumNameLength) characters" }
        if bytes.first == UInt8(ascii: ".") { return "starts with '.' (dot-names are fnn's own files)" }
        if bytes.first == UInt8(ascii: "-") { return "starts with '-'" }
        if !bytes.allSatisfy(isNameByte) { return "may hold only letters, digits, '.', '_' and '-'" }
        if name == "results" { return "is reserved (results/results.jsonl is the log of fnn before instances)" }
        return nil
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// This machine's host name made into a valid name stem (`fnn` if it has none).
    ///
    /// The corresponding C function is `gethostname`.
    package static func hostStem() -> String {
        var bytes = hostName().map { isNameByte($0) ? $0 : UInt8(ascii: "_") }
        while let first = bytes.first, first == UInt8(ascii: ".") || first == UInt8(ascii: "-") { bytes.removeFirst() }
        bytes = Array(bytes.prefix(maximumNameLength - 6))
        return bytes.isEmpty ? "fnn" : String(decoding: bytes, as: UTF8.self)
    }

    /// Takes the instance name `name` in `layout`, or, when `name` is `nil`, the first of
    /// `HOST-0`, `HOST-1`, … that no live process holds: a restarted worker gets its old
    /// name (and log) back, and two live workers never share one.
    ///
    /// A name held by another process is waited for up to `waitSeconds` (a survivor holds
    /// a dead instance's lock for a moment while it adopts that instance's claims).
    ///
    /// - Throws: `FileAccessError` when the lock folder cannot be used, or when `name` is
    ///   held by a live process (the message says which, from its lock file).
    package static func acquire(_ name: String?, in layout: WatchLayout, waitSeconds: Double = 3) throws(FileAccessError) -> WatchInstance {
        if let name {
            let path = layout.lockPath(instance: name)
            let deadline = WatchProcessor.now() + waitSeconds
            while true {
                switch LockFile.lock(path, waiting: false) {
                case .locked(let descriptor): return take(name, descriptor)
                case .failed(let error): throw error
                case .held:
                    guard WatchProcessor.now() < deadline else {
                        let holder = LockFile.description(at: path)
                        throw FileAccessError(
                            path: path,
                            message: "is held by a live fnn watch (\(holder.isEmpty ? "unknown" : holder)): "
                                + "two processes cannot share the instance name \(name); choose another --instance")
                    }
                    usleep(50_000)
                }
            }
        }
        let stem = hostStem()
        for number in 0..<4096 {
            let candidate = "\(stem)-\(number)"
            switch LockFile.lock(layout.lockPath(instance: candidate), waiting: false) {
            case .locked(let descriptor): return take(candidate, descriptor)
            case .failed(let error): throw error
            case .held: continue
            }
        }
        throw FileAccessError(path: layout.instances, message: "has no free instance name \(stem)-0 … \(stem)-4095")
    }

    /// This machine's host name as bytes (none if it cannot be read).
    private static func hostName() -> [UInt8] {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return [] }
        return buffer.withUnsafeBufferPointer { Array($0.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }) }
    }

    /// Records who holds the lock in its file (for the message another process gives).
    private static func take(_ name: String, _ descriptor: Int32) -> WatchInstance {
        LockFile.describe(descriptor, "pid \(getpid()) on \(BytePath.escape(hostName()))\n")
        return WatchInstance(name: name, descriptor: descriptor)
    }
}
