import CPNG

/// Decodes and encodes PNG files through libpng's simplified `png_image` API, which
/// reports errors in the image structure instead of longjmp-ing through Swift frames.
/// This is the only file that imports libpng.
package enum PNGCodec {
    /// The 8 bytes every PNG file starts with.
    package static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The 12 bytes every complete PNG file ends with: an empty IEND chunk and its CRC.
    package static let trailer: [UInt8] = [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    /// Whether `bytes` starts with the PNG signature.
    package static func hasSignature(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: signature)
    }

    /// A decoded image: grey levels and, per pixel, opacity.
    struct GrayAlpha {
        var width: Int
        var height: Int
        /// Grey, alpha, grey, alpha, … (8-bit sRGB grey, straight alpha).
        var samples: [UInt8]
        /// Whether the file has an alpha channel or transparency (tRNS).
        var hasAlpha: Bool
    }

    /// Decodes any PNG (grey 1–16 bits, palette, grey+alpha, RGB, RGBA, interlaced, tRNS)
    /// to 8-bit grey with alpha.
    ///
    /// The file is checked by `prepare` first; libpng only sees the chunks it needs.
    /// 16-bit images without colour-space information are taken as sRGB, as 8-bit ones
    /// are, rather than libpng's default of linear (which brightens them).
    /// The corresponding C functions are `png_image_begin_read_from_memory`,
    /// `png_image_finish_read` and `png_image_free`.
    /// - Throws: `ImageError` for a file that is not a complete, valid PNG within `limits`.
    static func decode(_ bytes: [UInt8], limits: PNGLimits) throws(ImageError) -> GrayAlpha {
        let chunks = try prepare(bytes, limits: limits)
        var hasAlpha = false
        let (width, height, samples) = try read(chunks, from: bytes, channels: 2) { image in
            hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
            image.format = UInt32(PNG_FORMAT_GA)
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        }
        return GrayAlpha(width: width, height: height, samples: samples, hasAlpha: hasAlpha)
    }

    /// Checks everything about `bytes` that can cost memory or time before libpng sees
    /// them: the signature, the chunk list and header (`PNGChunkScanner`), the amount of
    /// compressed image data, and what it inflates to (`PNGChunkList.checkImageData`).
    static func prepare(_ bytes: [UInt8], limits: PNGLimits) throws(ImageError) -> PNGChunkList {
        guard hasSignature(bytes) else {
            throw ImageError(.notPNG, "not a PNG file (it does not start with the PNG signature)")
        }
        let chunks = try PNGChunkScanner.scan(bytes, limits: limits)
        try chunks.checkImageData(in: bytes)
        return chunks
    }

    /// Decodes checked chunks with libpng into `channels` 8-bit samples per pixel, after
    /// `configure` has chosen the format from the header libpng read.
    private static func read(
        _ chunks: PNGChunkList, from bytes: [UInt8], channels: Int, configure: (inout png_image) -> Void
    ) throws(ImageError) -> (width: Int, height: Int, samples: [UInt8]) {
        let stream = chunks.libpngStream(from: bytes)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        let began = stream.withUnsafeBytes { buffer in
            png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count)
        }
        guard began != 0 else { throw ImageError(.corrupt, "not a valid PNG: \(message(of: image))") }
        let width = chunks.header.width
        let height = chunks.header.height
        guard Int(image.width) == width, Int(image.height) == height else {
            throw ImageError(.corrupt, "not a valid PNG: libpng read a different size from the IHDR chunk")
        }
        configure(&image)
        // The header is within PNGHeader.maximumSide and the pixel limit, so none of
        // these overflow; they are checked anyway rather than trapped.
        let (rowBytes, rowOverflow) = width.multipliedReportingOverflow(by: channels)
        let (count, countOverflow) = rowBytes.multipliedReportingOverflow(by: height)
        guard !rowOverflow, !countOverflow, let stride = Int32(exactly: rowBytes) else {
            throw ImageError(.tooLarge, "too large: \(width) × \(height) pixels")
        }
        var samples = [UInt8](repeating: 0, count: count)
        let finished = samples.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, stride, nil)
        }
        guard finished != 0 else { throw ImageError(.corrupt, "damaged PNG: \(message(of: image))") }
        return (width, height, samples)
    }

    /// Encodes an 8-bit grey image as PNG.
    package static func encode(_ gray: GrayImage) throws(ImageError) -> [UInt8] {
        try encode(gray.pixels, width: gray.width, height: gray.height, format: UInt32(PNG_FORMAT_GRAY), channels: 1)
    }

    /// Encodes 8-bit RGB pixels (`width × height × 3` bytes, row-major) as PNG.
    package static func encodeRGB(_ pixels: [UInt8], width: Int, height: Int) throws(ImageError) -> [UInt8] {
        try encode(pixels, width: width, height: height, format: UInt32(PNG_FORMAT_RGB), channels: 3)
    }

    /// The corresponding C function is `png_image_write_to_memory`.
    private static func encode(
        _ pixels: [UInt8], width: Int, height: Int, format: UInt32, channels: Int
    ) throws(ImageError) -> [UInt8] {
        let (rowBytes, rowOverflow) = width.multipliedReportingOverflow(by: channels)
        let (count, countOverflow) = rowBytes.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !rowOverflow, !countOverflow, pixels.count == count,
            let stride = Int32(exactly: rowBytes), let width32 = UInt32(exactly: width),
            let height32 = UInt32(exactly: height)
        else {
            throw ImageError(
                .corrupt, "cannot encode PNG: \(pixels.count) bytes do not make a \(width) × \(height) × \(channels) image")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = width32
        image.height = height32
        image.format = format
        defer { png_image_free(&image) }
        var size = 0
        // First ask for the size, then write.
        let sized = pixels.withUnsafeBytes { pixels in
            png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw ImageError(.corrupt, "cannot encode PNG: \(message(of: image))") }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { out in
            pixels.withUnsafeBytes { pixels in
                png_image_write_to_memory(&image, out.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
        }
        guard written != 0 else { throw ImageError(.corrupt, "cannot encode PNG: \(message(of: image))") }
        return Array(output.prefix(size))
    }

    /// Decodes a PNG to 8-bit RGB, for checking pictures, after the same checks as
    /// `decode`.
    ///
    /// The corresponding C functions are `png_image_begin_read_from_memory` and
    /// `png_image_finish_read`.
    package static func decodeRGB(
        _ bytes: [UInt8], limits: PNGLimits = .standard
    ) throws(ImageError) -> (width: Int, height: Int, pixels: [UInt8]) {
        let chunks = try prepare(bytes, limits: limits)
        let (width, height, pixels) = try read(chunks, from: bytes, channels: 3) { image in
            image.format = UInt32(PNG_FORMAT_RGB)
        }
        return (width, height, pixels)
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { buffer in
            let text = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            return text.isEmpty ? "libpng reported an error" : text
        }
    }
}
