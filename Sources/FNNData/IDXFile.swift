import FNNSupport

/// An IDX file of unsigned bytes: a magic number, dimensions, then the data.
///
/// Reads plain files and gzip-compressed ones (recognised by their first bytes, not by
/// the name). Offsets in errors count in the decompressed data.
package struct IDXFile: Sendable {
    /// Dimension sizes, outermost first: `[count, rows, columns]` for images.
    package var dimensions: [Int]
    /// The data, row-major.
    package var data: [UInt8]

    /// The largest decompressed size accepted (MNIST's training images are 47 MB).
    package static let maximumSize = 1 << 31

    /// Reads the IDX file at `path` and checks its header.
    ///
    /// - Parameter expectedDimensions: 1 for labels, 3 for images.
    package static func read(_ path: String, expectedDimensions: Int) throws(IDXError) -> IDXFile {
        let raw: [UInt8]
        do {
            raw = try FileBytes.read(path, limit: maximumSize)
        } catch {
            throw IDXError(path: path, message: error.message, offset: nil)
        }
        var bytes = raw
        if Zlib.isGzip(raw) {
            // The header is read as soon as it is inflated, and the stream is inflated no
            // further than the size it declares: a small file that claims or inflates to
            // gigabytes costs no more than its declared size (checked against the limit
            // and against what deflate can expand the compressed bytes to).
            let headerSize = 4 + 4 * expectedDimensions
            let compressed = raw.count
            do {
                bytes = try Zlib.gunzip(raw, limit: maximumSize, deciding: headerSize) { header in
                    guard let declared = try? declaredSize(header, expectedDimensions: expectedDimensions),
                        declared <= Zlib.maximumInflatedSize(compressed)
                    else { return header.count }
                    // One byte past the declared size shows trailing data.
                    return declared + 1
                }
            } catch {
                throw IDXError(path: path, message: "gzip: \(error.message) (compressed byte \(error.offset))", offset: nil)
            }
            if let declared = try? declaredSize(bytes, expectedDimensions: expectedDimensions),
                declared > Zlib.maximumInflatedSize(compressed)
            {
                throw IDXError(
                    path: path,
                    message: "the header declares \(declared) bytes, more than \(compressed) gzip-compressed bytes can hold (damaged or crafted file)",
                    offset: 4)
            }
        }
        return try parse(bytes, path: path, expectedDimensions: expectedDimensions)
    }

    /// The header size plus the data size the header declares, or a throw for a header
    /// that is not a valid one (which `parse` then describes).
    private static func declaredSize(_ bytes: [UInt8], expectedDimensions: Int) throws(IDXError) -> Int {
        let headerSize = 4 + 4 * expectedDimensions
        guard bytes.count >= headerSize else { throw IDXError(path: "", message: "short", offset: nil) }
        let (_, total) = try dimensions(bytes, path: "", expectedDimensions: expectedDimensions)
        return headerSize + total
    }

    /// The dimensions in a header (magic number already checked) and their product,
    /// refusing a product over `maximumSize` before it can overflow.
    private static func dimensions(
        _ bytes: [UInt8], path: String, expectedDimensions: Int
    ) throws(IDXError) -> ([Int], Int) {
        let expectedMagic = 0x0800 + UInt32(expectedDimensions)
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        guard magic == expectedMagic else { throw IDXError(path: path, message: "magic", offset: 0) }
        var dimensions: [Int] = []
        var total = 1
        for index in 0..<expectedDimensions {
            let at = 4 + 4 * index
            let size = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            dimensions.append(size)
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumSize else {
                throw IDXError(path: path, message: "dimension \(index) is \(size): the data would exceed 2 GiB", offset: at)
            }
            total = product
        }
        return (dimensions, total)
    }

    /// Parses IDX bytes.
    package static func parse(_ bytes: [UInt8], path: String, expectedDimensions: Int) throws(IDXError) -> IDXFile {
        let kind = expectedDimensions == 1 ? "label" : "image"
        guard bytes.count >= 4 else {
            throw IDXError(path: path, message: "the file is \(bytes.count) bytes, too short for an IDX header (truncated)", offset: bytes.count)
        }
        let expectedMagic = 0x0800 + UInt32(expectedDimensions)
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        guard magic == expectedMagic else {
            var message = "wrong magic number \(hex32(magic)); an IDX \(kind) file starts with \(hex32(expectedMagic))"
            if magic == 0x0800 + UInt32(expectedDimensions == 1 ? 3 : 1) {
                message += " (this is a\(expectedDimensions == 1 ? "n image" : " label") file: are --images and --labels swapped?)"
            } else if bytes[0] != 0 || bytes[1] != 0 {
                message += " (not an IDX file)"
            } else if bytes[2] != 0x08 {
                message += " (element type \(hex8(bytes[2])) is not unsigned byte, 08)"
            }
            throw IDXError(path: path, message: message, offset: 0)
        }
        let headerSize = 4 + 4 * expectedDimensions
        guard bytes.count >= headerSize else {
            throw IDXError(path: path, message: "the file ends inside its header (truncated)", offset: bytes.count)
        }
        let (dimensions, total) = try Self.dimensions(bytes, path: path, expectedDimensions: expectedDimensions)
        let expectedSize = headerSize + total
        guard bytes.count >= expectedSize else {
            throw IDXError(
                path: path,
                message: "the header declares \(dimensions.map(String.init).joined(separator: "×")) = \(total) bytes of data but the file ends after \(bytes.count - headerSize) (truncated)",
                offset: bytes.count)
        }
        guard bytes.count == expectedSize else {
            throw IDXError(path: path, message: "\(bytes.count - expectedSize) unexpected bytes after the data", offset: expectedSize)
        }
        return IDXFile(dimensions: dimensions, data: Array(bytes[headerSize...]))
    }
}
