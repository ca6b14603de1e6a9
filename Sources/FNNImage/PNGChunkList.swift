import FNNSupport

/// The chunks of a PNG that `PNGChunkScanner` accepted: its header, where its image
/// data lies, and the chunks libpng is given.
struct PNGChunkList: Sendable {
    var header: PNGHeader
    /// The whole chunks (length to CRC) handed to libpng, in file order, without IEND:
    /// IHDR, PLTE, tRNS, gAMA, sRGB, cHRM and the IDAT chunks.
    var kept: [Range<Int>]
    /// The data of the IDAT chunks, in order: one zlib stream.
    var imageData: [Range<Int>]
    /// The bytes of IDAT data.
    var imageDataCount: Int
    /// Whether any chunk was left out of `kept`.
    var dropped: Bool
    /// The size of the image data once inflated (see `PNGHeader.imageDataSize`).
    var rawSize: Int

    /// - Throws: `ImageError.tooLarge` when the IDAT chunks hold more than
    ///   `PNGChunkScanner.maximumImageData(forRaw:)` bytes for this header.
    init(
        header: PNGHeader, kept: [Range<Int>], imageData: [Range<Int>], imageDataCount: Int, dropped: Bool
    ) throws(ImageError) {
        guard let rawSize = header.imageDataSize else {
            throw ImageError(.tooLarge, "too large: \(header.width) × \(header.height) pixels")
        }
        let allowed = PNGChunkScanner.maximumImageData(forRaw: rawSize)
        guard imageDataCount <= allowed else {
            throw ImageError(
                .tooLarge,
                "too large: the IDAT chunks hold \(imageDataCount) bytes of compressed data for a "
                    + "\(header.width) × \(header.height) image of \(rawSize) bytes (at most 2 × \(rawSize) + 65536 are accepted)",
                offset: imageData.first.map { $0.lowerBound - 8 })
        }
        self.header = header
        self.kept = kept
        self.imageData = imageData
        self.imageDataCount = imageDataCount
        self.dropped = dropped
        self.rawSize = rawSize
    }

    /// Inflates the image data once, without keeping it, to check that it fills the
    /// image and then ends: libpng, once the image is complete, goes on inflating to the
    /// end of the stream, so a stream that never ends would cost time without bound.
    ///
    /// - Complexity: O(IDAT bytes + raw size + 64 KiB) time, 100 KiB memory.
    /// - Throws: `ImageError.tooLarge` when the data inflates to more than
    ///   `rawSize + PNGChunkScanner.inflateSlack` bytes, `.corrupt` when it is damaged
    ///   or ends before the image is complete.
    func checkImageData(in bytes: [UInt8]) throws(ImageError) {
        let limit = rawSize.addingReportingOverflow(PNGChunkScanner.inflateSlack).partialValue
        let start = imageData.first.map { $0.lowerBound - 8 }
        switch Zlib.inflatedCount(of: bytes, pieces: imageData, limit: limit) {
        case .overLimit:
            throw ImageError(
                .tooLarge,
                "too large: the image data inflates past the \(rawSize) bytes a \(header.width) × \(header.height) image "
                    + "needs (stopped at \(limit) bytes)",
                offset: start)
        case .ended(let produced) where produced < rawSize, .inputEnded(let produced) where produced < rawSize:
            throw ImageError(
                .corrupt, "damaged PNG: the image data ends after \(produced) of the \(rawSize) bytes the image needs",
                offset: start)
        case .damaged(let produced, let reason) where produced < rawSize:
            throw ImageError(
                .corrupt, "damaged PNG: the image data is damaged after \(produced) of \(rawSize) bytes (\(reason))",
                offset: start)
        case .ended, .inputEnded, .damaged:
            // Complete. Anything wrong after the image (a missing end, a bad Adler-32)
            // is libpng's to warn about, as before.
            return
        }
    }

    /// The bytes to hand libpng: the signature, the kept chunks and IEND. The same
    /// array when nothing was dropped.
    func libpngStream(from bytes: [UInt8]) -> [UInt8] {
        guard dropped else { return bytes }
        var stream = PNGCodec.signature
        stream.reserveCapacity(kept.reduce(PNGCodec.signature.count + PNGCodec.trailer.count) { $0 + $1.count })
        for chunk in kept { stream.append(contentsOf: bytes[chunk]) }
        stream.append(contentsOf: PNGCodec.trailer)
        return stream
    }
}
