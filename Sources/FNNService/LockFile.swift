#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNSupport

/// Exclusive `flock` locks on files: the kernel drops one when its holder dies, however
/// it dies (`kill -9` included), so a lock says "a live process holds this" with no clock,
/// heartbeat or lease to tune. This is the only file that calls `flock`.
///
/// On a local file system a `flock` lock belongs to the open file description: two opens
/// of one file exclude each other even in one process. On NFS the Linux client carries
/// `flock` as a whole-file POSIX lock (NLM for NFSv3, the protocol's own locks for NFSv4),
/// so processes on different machines exclude each other too; a dead client's locks are
/// released when its lease expires (NFSv4, typically 90 s) or when it reboots (NFSv3).
/// Locks that never reach the server (`nolock`, `local_lock=all`) make this unsafe across
/// machines.
enum LockFile {
    /// What an attempt to lock a file found.
    enum Attempt {
        /// The lock is taken; closing the descriptor releases it.
        case locked(Int32)
        /// Another open file description (a live process) holds it.
        case held
        /// The file cannot be opened or locked.
        case failed(FileAccessError)
    }

    /// Opens (creating it if missing) and locks the file at `path`: at once or not at all
    /// when `waiting` is false, else blocking until it is free.
    ///
    /// The corresponding C functions are `open` and `flock`.
    static func lock(_ path: String, waiting: Bool) -> Attempt {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard descriptor >= 0 else {
            return .failed(FileAccessError(path: path, message: "cannot be opened to lock (\(String(cString: strerror(errno))))"))
        }
        while flock(descriptor, LOCK_EX | (waiting ? 0 : LOCK_NB)) != 0 {
            let reason = errno
            if reason == EINTR { continue }
            close(descriptor)
            if reason == EWOULDBLOCK { return .held }
            return .failed(FileAccessError(path: path, message: "cannot be locked (\(String(cString: strerror(reason))))"))
        }
        return .locked(descriptor)
    }

    /// Replaces the content of a locked file with `text` (who holds it, for people who
    /// look); errors are ignored, the lock is what counts.
    static func describe(_ descriptor: Int32, _ text: String) {
        _ = ftruncate(descriptor, 0)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// What the holder of the lock file at `path` wrote in it (bounded), for messages.
    static func description(at path: String) -> String {
        let bytes = FileBytes.head(BytePath(path), count: 512) ?? []
        return BytePath.escape(Array(bytes.prefix { $0 != 0x0A }))
    }
}

/// A lock held for a short step and released by `unlock()` (or when it goes away).
final class HeldLock {
    private var descriptor: Int32

    /// Waits for the lock on `path`; `nil` if the file cannot be opened or locked.
    init?(waitingFor path: String) {
        guard case .locked(let descriptor) = LockFile.lock(path, waiting: true) else { return nil }
        self.descriptor = descriptor
    }

    /// Takes the lock on `path` if it is free; `nil` if a live process holds it.
    /// `failure` is set when the file cannot be locked at all.
    init?(ifFree path: String, failure: inout FileAccessError?) {
        switch LockFile.lock(path, waiting: false) {
        case .locked(let descriptor): self.descriptor = descriptor
        case .held: return nil
        case .failed(let error):
            failure = error
            return nil
        }
    }

    /// Releases the lock; later calls do nothing. The corresponding C function is `close`.
    func unlock() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { unlock() }
}
