import CZlib

/// The only file that talks to zlib: CRC-32, gzip decompression and measuring zlib streams.
package enum Zlib {
    /// The CRC-32 (ISO 3309, as in PNG and gzip) of `bytes`, continuing from `crc`.
    ///
    /// The corresponding C function is `crc32`.
    package static func crc32<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32
    where C.Element == UInt8 {
        let result = bytes.withContiguousStorageIfAvailable { buffer -> UInt32 in
            update(crc, buffer)
        }
        if let result { return result }
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { update(crc, $0) }
    }

    private static func update(_ crc: UInt32, _ buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var value = UInt(crc)
        var start = 0
        // zlib takes a 32-bit length; feed very large buffers in slices.
        while start < buffer.count {
            let length = min(buffer.count - start, 1 << 30)
            value = CZlib.crc32(value, buffer.baseAddress.map { $0 + start }, uInt(length))
            start += length
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Whether `bytes` starts with the gzip magic number `1f 8b`.
    package static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The most that deflate can expand `compressed` bytes to: a deflate stream codes at
    /// most 258 bytes per 2 bits of input in its best case, so about 1,032 : 1 (RFC 1951;
    /// zlib's technical details give the same bound), plus a margin for headers.
    package static func maximumInflatedSize(_ compressed: Int) -> Int {
        let (product, overflow) = compressed.multipliedReportingOverflow(by: 1_032)
        return overflow ? Int.max : product + 4_096
    }

    /// Decompresses a gzip stream (one or more members), refusing output over `limit` bytes.
    ///
    /// The corresponding C functions are `inflateInit2`, `inflate` and `inflateEnd`.
    /// - Parameters:
    ///   - deciding: once this many bytes are out (or the stream ends sooner), `decide` is
    ///     called with them and returns how many bytes are worth producing in all; inflation
    ///     stops there and returns what it has (so a caller reads a header first and
    ///     inflates no further than the header declares).
    /// - Throws: `GzipError` when the data is damaged, truncated or too large.
    package static func gunzip(
        _ input: [UInt8], limit: Int, deciding: Int = 0, _ decide: (([UInt8]) -> Int)? = nil
    ) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(input.count * 4, 1024), 1 << 26))
        var stream = z_stream()
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var wanted = limit
        var decided = decide == nil

        func decideIfReady(final: Bool) {
            guard !decided, let decide, output.count >= deciding || final else { return }
            decided = true
            wanted = max(0, min(limit, decide(output)))
            if wanted > output.count { output.reserveCapacity(min(wanted, maximumInflatedSize(input.count))) }
        }

        members: while consumed < input.count {
            guard CZlib_inflateInit2(&stream, 15 + 16) == Z_OK else {
                throw GzipError(message: "zlib could not start inflating", offset: consumed)
            }
            defer { inflateEnd(&stream) }
            var status: Int32 = Z_OK
            var enough = false
            try input.withUnsafeBufferPointer { inputBuffer throws(GzipError) in
                guard let base = inputBuffer.baseAddress else { return }
                stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.avail_in = uInt(min(inputBuffer.count - consumed, Int(UInt32.max)))
                repeat {
                    let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                        stream.next_out = out.baseAddress
                        stream.avail_out = uInt(out.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        return out.count - Int(stream.avail_out)
                    }
                    switch status {
                    case Z_OK, Z_STREAM_END:
                        break
                    case Z_BUF_ERROR where stream.avail_in == 0:
                        throw GzipError(
                            message: "the compressed data ends early (truncated gzip file)",
                            offset: inputBuffer.count)
                    default:
                        let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                        throw GzipError(
                            message: "the compressed data is damaged (\(reason))",
                            offset: consumed + Int(stream.total_in))
                    }
                    if output.count + produced > wanted {
                        guard decided, decide != nil else {
                            throw GzipError(
                                message: "decompresses to more than the limit of \(limit) bytes",
                                offset: consumed + Int(stream.total_in))
                        }
                        output.append(contentsOf: chunk[0..<(wanted - output.count)])
                        enough = true
                        return
                    }
                    output.append(contentsOf: chunk[0..<produced])
                    decideIfReady(final: false)
                    if decided, output.count >= wanted, decide != nil {
                        enough = true
                        return
                    }
                } while status != Z_STREAM_END
                consumed += Int(stream.total_in)
            }
            if enough { break members }
            // Tolerate zero padding after the last member, as gzip(1) does.
            if input[consumed...].allSatisfy({ $0 == 0 }) { break }
        }
        decideIfReady(final: true)
        return output
    }

    /// How far a zlib stream inflates, as counted by `inflatedCount`.
    package enum InflatedCount: Sendable, Equatable {
        /// The stream ended after `bytes` of output.
        case ended(bytes: Int)
        /// The input ran out after `bytes` of output, before the stream ended.
        case inputEnded(bytes: Int)
        /// The stream went on past the limit; inflating stopped there.
        case overLimit
        /// zlib found damaged data after `bytes` of output.
        case damaged(bytes: Int, reason: String)
    }

    /// Inflates the zlib stream stored in `pieces` of `input` (in order), counting the
    /// output in a 64 KiB scratch buffer without keeping it, and stopping as soon as it
    /// passes `limit` bytes.
    ///
    /// The corresponding C functions are `inflateInit2`, `inflate` and `inflateEnd`.
    /// - Complexity: O(*n* + min(*limit*, output)) for *n* input bytes, in time; 64 KiB
    ///   plus zlib's 40 KiB of state, in memory.
    package static func inflatedCount(of input: [UInt8], pieces: [Range<Int>], limit: Int) -> InflatedCount {
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, 15) == Z_OK else { return .damaged(bytes: 0, reason: "zlib could not start") }
        defer { inflateEnd(&stream) }
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var produced = 0
        return input.withUnsafeBufferPointer { inputBuffer -> InflatedCount in
            scratch.withUnsafeMutableBufferPointer { out -> InflatedCount in
                guard let base = inputBuffer.baseAddress, let outBase = out.baseAddress else { return .inputEnded(bytes: 0) }
                for piece in pieces where piece.lowerBound >= 0 && piece.upperBound <= inputBuffer.count {
                    stream.next_in = UnsafeMutablePointer(mutating: base + piece.lowerBound)
                    stream.avail_in = uInt(clamping: piece.count)
                    repeat {
                        stream.next_out = outBase
                        stream.avail_out = uInt(out.count)
                        let status = inflate(&stream, Z_NO_FLUSH)
                        produced += out.count - Int(stream.avail_out)
                        guard produced <= limit else { return .overLimit }
                        if status == Z_STREAM_END { return .ended(bytes: produced) }
                        if status == Z_BUF_ERROR { break }  // no progress without more input
                        guard status == Z_OK else {
                            let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                            return .damaged(bytes: produced, reason: reason)
                        }
                    } while stream.avail_in > 0 || stream.avail_out == 0
                }
                return .inputEnded(bytes: produced)
            }
        }
    }
}

/// A gzip stream that could not be decompressed.
package struct GzipError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// The offset in the compressed input where it was found.
    package var offset: Int

    package var description: String { "\(message) at compressed byte \(offset)" }
}
