/// The fields of a PNG's IHDR chunk, checked against the PNG specification and fnn's
/// limits before anything is sized from them.
struct PNGHeader: Sendable, Equatable {
    var width: Int
    var height: Int
    var bitDepth: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA.
    var colourType: Int
    var interlaced: Bool

    /// The largest width or height fnn decodes: libpng's own default
    /// (`PNG_USER_WIDTH_MAX`, `PNG_USER_HEIGHT_MAX`), which the simplified API cannot
    /// raise. Checked here so the message names the field instead of libpng's
    /// "Invalid IHDR data".
    static let maximumSide = 1_000_000
    /// The largest width or height the PNG specification allows, 2^31 − 1.
    static let specificationMaximum = Int(Int32.max)

    /// The Adam7 passes: first column, first row, column step, row step.
    private static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    /// Parses and checks the 13 data bytes of IHDR.
    /// - Parameters:
    ///   - data: exactly 13 bytes.
    ///   - offset: where the IHDR chunk starts in the file, for messages.
    ///   - limits: the caps to check the size against.
    /// - Throws: `ImageError` `.corrupt` for fields the specification forbids,
    ///   `.tooLarge` for sizes over `limits` or `maximumSide`.
    init(parsing data: ArraySlice<UInt8>, offset: Int, limits: PNGLimits) throws(ImageError) {
        let fields = Array(data)
        guard fields.count == 13 else {
            throw ImageError(
                .corrupt, "not a valid PNG: the IHDR chunk at byte \(offset) has \(fields.count) bytes of data, not 13",
                offset: offset)
        }
        func field(_ index: Int) -> Int {
            Int(fields[index]) << 24 | Int(fields[index + 1]) << 16 | Int(fields[index + 2]) << 8 | Int(fields[index + 3])
        }
        width = field(0)
        height = field(4)
        bitDepth = Int(fields[8])
        colourType = Int(fields[9])
        interlaced = fields[12] == 1
        for (name, value) in [("width", width), ("height", height)] {
            guard value >= 1, value <= Self.specificationMaximum else {
                throw ImageError(
                    .corrupt,
                    "not a valid PNG: the IHDR \(name) is \(value); PNG allows 1 to \(Self.specificationMaximum)",
                    offset: offset + 8 + (name == "width" ? 0 : 4))
            }
        }
        let depths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let allowed = depths[colourType] else {
            throw ImageError(
                .corrupt, "not a valid PNG: the IHDR colour type is \(colourType); PNG allows 0, 2, 3, 4 and 6",
                offset: offset + 17)
        }
        guard allowed.contains(bitDepth) else {
            throw ImageError(
                .corrupt,
                "not a valid PNG: the IHDR bit depth is \(bitDepth), which colour type \(colourType) does not allow "
                    + "(only \(allowed.map(String.init).joined(separator: ", ")))",
                offset: offset + 16)
        }
        let methods = [("compression method", 10), ("filter method", 11)]
        for (name, index) in methods where fields[index] != 0 {
            throw ImageError(
                .corrupt, "not a valid PNG: the IHDR \(name) is \(fields[index]); PNG defines only 0",
                offset: offset + 8 + index)
        }
        guard fields[12] <= 1 else {
            throw ImageError(
                .corrupt, "not a valid PNG: the IHDR interlace method is \(fields[12]); PNG defines 0 and 1",
                offset: offset + 20)
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= limits.maximumPixels else {
            throw ImageError(
                .tooLarge,
                "too large: \(width) × \(height) pixels is over the limit of \(limits.maximumPixels) (--max-pixels)",
                offset: offset + 8)
        }
        for (name, value) in [("width", width), ("height", height)] where value > Self.maximumSide {
            throw ImageError(
                .tooLarge,
                "too large: the IHDR \(name) is \(value) pixels, over fnn's limit of \(Self.maximumSide) pixels per side",
                offset: offset + 8 + (name == "width" ? 0 : 4))
        }
    }

    /// Samples per pixel.
    var channels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType] ?? 4 }

    /// The size of the image data once inflated: for each (Adam7) pass that has pixels,
    /// `rows × (1 filter byte + row bytes)`. Nil if it does not fit an `Int`, which the
    /// side limits rule out.
    var imageDataSize: Int? {
        let bitsPerPixel = channels * bitDepth
        func passSize(width: Int, height: Int) -> Int? {
            guard width > 0, height > 0 else { return 0 }
            let (bits, overflow) = width.multipliedReportingOverflow(by: bitsPerPixel)
            guard !overflow else { return nil }
            let (size, tooMany) = height.multipliedReportingOverflow(by: 1 + (bits + 7) / 8)
            return tooMany ? nil : size
        }
        guard interlaced else { return passSize(width: width, height: height) }
        var total = 0
        for pass in Self.adam7 {
            let passWidth = width > pass.x ? (width - pass.x + pass.dx - 1) / pass.dx : 0
            let passHeight = height > pass.y ? (height - pass.y + pass.dy - 1) / pass.dy : 0
            guard let size = passSize(width: passWidth, height: passHeight) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(size)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }
}
