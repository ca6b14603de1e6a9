import FNNSupport

/// Walks the chunk list of an in-memory PNG before libpng sees it, so that no chunk
/// length, header field or amount of image data is trusted before it is checked.
///
/// What it enforces, in file order:
/// - every chunk has a 12-byte frame, a length of at most 2^31 − 1 that fits in the
///   bytes that remain, and a type of four ASCII letters;
/// - IHDR comes first, once, with 13 bytes whose fields PNG allows and fnn's limits
///   accept (`PNGHeader`);
/// - PLTE (if any) has 1–256 entries and comes before IDAT; no unknown critical chunk;
/// - the IDAT chunks are contiguous and hold at most `2 × raw + 64 KiB` bytes, where
///   `raw` is the size of the image data once inflated (`maximumImageData(forRaw:)`);
/// - IEND is empty, follows the IDAT chunks and ends the file;
/// - the CRCs of the critical chunks (IHDR, PLTE, IDAT, IEND) match;
/// - there are at most `maximumChunkCount` chunks.
enum PNGChunkScanner {
    /// The most chunks a file may have. A 64 MiB file of 8 KiB IDAT chunks has 8,192.
    static let maximumChunkCount = 100_000
    /// The ancillary chunks libpng's simplified API uses to decode pixels (transparency
    /// and colour space). Every other ancillary chunk is dropped unread.
    static let chunksForLibpng: Set<String> = ["tRNS", "gAMA", "sRGB", "cHRM"]
    /// What the IDAT data may inflate to past the image before fnn refuses the file.
    static let inflateSlack = 64 << 10

    /// The most compressed image data accepted for `raw` bytes of inflated image data.
    ///
    /// Deflate's worst case (stored blocks) is `raw + 5` bytes per 64 KiB block `+ 6`;
    /// even an encoder emitting only fixed-Huffman literals (9 bits a byte) or poor
    /// dynamic tables stays under 2 × raw. The 64 KiB covers headers, empty blocks and
    /// encoders that split tiny images oddly. A 28 × 28 grey digit (812 raw bytes) may
    /// have 67,160 bytes of IDAT data; an IDAT of gigabytes of compressed zeros is
    /// refused from its size, before it is inflated.
    static func maximumImageData(forRaw raw: Int) -> Int {
        let (doubled, overflow) = raw.multipliedReportingOverflow(by: 2)
        return overflow ? Int.max : doubled.addingReportingOverflow(65_536).partialValue
    }

    /// Checks the chunk list of `bytes`, which start with the PNG signature.
    /// - Throws: `ImageError`: `.truncated` when the file ends early and does not end
    ///   with IEND (it may still be being written), `.tooLarge` over `limits`, the side
    ///   limit, the IDAT bound or the chunk count, `.corrupt` otherwise.
    static func scan(_ bytes: [UInt8], limits: PNGLimits) throws(ImageError) -> PNGChunkList {
        let endsWithIEND = bytes.count >= 8 + 12 && bytes.suffix(12).elementsEqual(PNGCodec.trailer)
        var offset = PNGCodec.signature.count
        var header: PNGHeader?
        var kept: [Range<Int>] = []
        var imageData: [Range<Int>] = []
        var imageDataCount = 0
        var chunkAfterIDAT: String?
        var dropped = false
        var count = 0
        while true {
            let remaining = bytes.count - offset
            guard remaining >= 12 else {
                throw ImageError(
                    .truncated,
                    remaining == 0
                        ? "truncated: the file ends after byte \(offset) without an IEND chunk (it may still be being written)"
                        : "truncated: the file ends inside the chunk at byte \(offset) (it may still be being written)",
                    offset: offset)
            }
            let length = bigEndian(bytes, at: offset)
            let typeBytes = bytes[(offset + 4)..<(offset + 8)]
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw ImageError(
                    .corrupt, "not a valid PNG: the chunk at byte \(offset) has an invalid type (not four ASCII letters)",
                    offset: offset + 4)
            }
            let name = String(decoding: typeBytes, as: UTF8.self)
            guard length <= Int(Int32.max) else {
                throw ImageError(
                    .corrupt,
                    "not a valid PNG: the \(name) chunk at byte \(offset) declares \(length) bytes, over PNG's maximum of 2147483647",
                    offset: offset)
            }
            guard length <= remaining - 12 else {
                if endsWithIEND {
                    throw ImageError(
                        .corrupt,
                        "not a valid PNG: the \(name) chunk at byte \(offset) declares \(length) bytes, but only \(remaining - 12) follow it",
                        offset: offset)
                }
                throw ImageError(
                    .truncated,
                    "truncated: the \(name) chunk at byte \(offset) declares \(length) bytes, but the file ends \(remaining - 12) bytes into it (it may still be being written)",
                    offset: offset)
            }
            count += 1
            guard count <= maximumChunkCount else {
                throw ImageError(
                    .tooLarge, "too large: more than \(maximumChunkCount) chunks (chunk \(count) is at byte \(offset))",
                    offset: offset)
            }
            let data = (offset + 8)..<(offset + 8 + length)
            let chunk = offset..<(data.upperBound + 4)
            let critical = typeBytes.first.map { $0 & 0x20 == 0 } ?? false
            if critical {
                let stored = UInt32(truncatingIfNeeded: bigEndian(bytes, at: data.upperBound))
                guard Zlib.crc32(bytes[(offset + 4)..<data.upperBound]) == stored else {
                    throw ImageError(
                        .corrupt, "damaged PNG: the \(name) chunk at byte \(offset) fails its CRC check",
                        offset: offset)
                }
            }
            guard count > 1 || name == "IHDR" else {
                throw ImageError(
                    .corrupt, "not a valid PNG: the first chunk is \(name), at byte \(offset); a PNG starts with IHDR",
                    offset: offset)
            }
            switch name {
            case "IHDR":
                guard header == nil else {
                    throw ImageError(.corrupt, "not a valid PNG: a second IHDR chunk at byte \(offset)", offset: offset)
                }
                header = try PNGHeader(parsing: bytes[data], offset: offset, limits: limits)
                kept.append(chunk)
            case "PLTE":
                guard length > 0, length % 3 == 0, length <= 3 * 256 else {
                    throw ImageError(
                        .corrupt,
                        "not a valid PNG: the PLTE chunk at byte \(offset) has \(length) bytes; a palette is 1 to 256 entries of 3 bytes",
                        offset: offset)
                }
                guard imageData.isEmpty else {
                    throw ImageError(
                        .corrupt, "not a valid PNG: the PLTE chunk at byte \(offset) comes after the image data",
                        offset: offset)
                }
                kept.append(chunk)
            case "IDAT":
                if let chunkAfterIDAT {
                    throw ImageError(
                        .corrupt,
                        "not a valid PNG: the IDAT chunk at byte \(offset) is separated from the earlier IDAT chunks by \(chunkAfterIDAT)",
                        offset: offset)
                }
                imageData.append(data)
                imageDataCount += length
                kept.append(chunk)
            case "IEND":
                guard length == 0 else {
                    throw ImageError(
                        .corrupt, "not a valid PNG: the IEND chunk at byte \(offset) has \(length) bytes of data, not 0",
                        offset: offset)
                }
                guard let header, !imageData.isEmpty else {
                    throw ImageError(
                        .corrupt, "not a valid PNG: IEND at byte \(offset) comes before any IDAT chunk (no image data)",
                        offset: offset)
                }
                guard chunk.upperBound == bytes.count else {
                    throw ImageError(
                        .corrupt,
                        "not a valid PNG: \(bytes.count - chunk.upperBound) bytes follow the IEND chunk at byte \(offset)",
                        offset: chunk.upperBound)
                }
                return try PNGChunkList(
                    header: header, kept: kept, imageData: imageData, imageDataCount: imageDataCount,
                    dropped: dropped)
            default:
                guard !critical else {
                    throw ImageError(
                        .corrupt, "not a valid PNG: unknown critical chunk \(name) at byte \(offset)", offset: offset)
                }
                if !imageData.isEmpty, chunkAfterIDAT == nil { chunkAfterIDAT = "\(name) at byte \(offset)" }
                if chunksForLibpng.contains(name), imageData.isEmpty {
                    kept.append(chunk)
                } else {
                    dropped = true
                }
            }
            offset = chunk.upperBound
        }
    }

    /// The big-endian 32-bit number at `offset`, which the caller has bounds-checked.
    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
