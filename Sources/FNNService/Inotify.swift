#if canImport(Glibc)
import Glibc
import FNNSupport

/// A Linux inotify instance watching folders for files that are complete: written and
/// closed (`IN_CLOSE_WRITE`) or renamed in (`IN_MOVED_TO`). `IN_CREATE` is never used: a
/// created file may still be empty. This is the only file that uses inotify.
final class Inotify: Sendable {
    /// What happened.
    enum Event: Sendable, Equatable {
        /// A file in watched folder `folder` is ready.
        case file(folder: Int32, name: BytePath)
        /// The kernel's event queue overflowed: events were lost, rescan.
        case overflow
    }

    private let descriptor: Int32

    /// The corresponding C function is `inotify_init1`.
    init() throws(FileAccessError) {
        descriptor = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard descriptor >= 0 else {
            throw FileAccessError(path: "inotify", message: "cannot start watching (\(String(cString: strerror(errno))))")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Watches `folder`; returns its watch number.
    ///
    /// The corresponding C function is `inotify_add_watch`.
    func watch(_ folder: String) throws(FileAccessError) -> Int32 {
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_ONLYDIR)
        let watch = inotify_add_watch(descriptor, folder, mask)
        guard watch >= 0 else {
            throw FileAccessError(path: folder, message: "cannot be watched (\(String(cString: strerror(errno))))")
        }
        return watch
    }

    /// Waits up to `milliseconds` for events and returns those that arrived (none on a
    /// time-out).
    ///
    /// The corresponding C functions are `poll` and `read`.
    func next(milliseconds: Int32) -> [Event] {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, milliseconds) > 0 else { return [] }
        var events: [Event] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (watch, mask, length) = buffer.withUnsafeBytes { raw in
                    (
                        raw.load(fromByteOffset: offset, as: Int32.self),
                        raw.load(fromByteOffset: offset + 4, as: UInt32.self),
                        Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                    )
                }
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    events.append(.overflow)
                } else if length > 0, offset + header + length <= count {
                    let name = BytePath(bytes: Array(buffer[(offset + header)..<(offset + header + length)].prefix { $0 != 0 }))
                    events.append(.file(folder: watch, name: name))
                }
                offset += header + length
            }
        }
        return events
    }
}
#endif
