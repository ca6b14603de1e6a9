#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing whole buffers to file descriptors: the one write loop every writer uses.
package enum FileDescriptorWriting {
    /// Writes all of `bytes`, retrying after interruptions and short writes.
    ///
    /// The corresponding C function is `write`.
    /// - Returns: `nil` on success, else the number of bytes written before the failure
    ///   and the system's reason.
    package static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> (written: Int, reason: String)? {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return (written, String(cString: strerror(errno)))
            }
            written += count
        }
        return nil
    }

    private static func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, pointer, count)
        #else
        Darwin.write(descriptor, pointer, count)
        #endif
    }
}
