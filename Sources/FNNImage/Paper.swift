/// What an image's border says about its paper: whether it is light (so the ink is dark
/// and the image is read inverted) and its level.
///
/// The border is taken as paper: a digit, or a row of them, is drawn inside the image,
/// not across its edges.
package struct Paper: Sendable, Equatable {
    /// The mean of the border's pixels, as the image has them (0 black … 255 white).
    package var borderMean: Int
    /// Whether the paper is light (mean border above 127): dark ink, read inverted.
    package var isLight: Bool
    /// The paper's level in ink polarity (after inverting light paper): the median of the
    /// border's pixels. Ink strength is measured above it.
    package var level: Int

    /// The paper of `image`, from its border pixels.
    package init(of image: GrayImage) {
        let border = Self.borderPixels(image)
        borderMean = border.reduce(0) { $0 + Int($1) } / max(border.count, 1)
        isLight = borderMean > 127
        let light = isLight
        level = Int(Self.median(border.map { light ? 255 - $0 : $0 }))
    }

    /// The ink strength of a pixel as the image has it: 0 for paper (or anything lighter
    /// than the paper on dark paper), up to 255.
    package func inkStrength(_ pixel: UInt8) -> UInt8 {
        let value = (isLight ? 255 - Int(pixel) : Int(pixel)) - level
        // 0…255: a pixel is at most 255 and the level at least 0.
        return UInt8(clamping: value)
    }

    /// The pixels of the image's outer rows and columns, each once.
    static func borderPixels(_ image: GrayImage) -> [UInt8] {
        var border: [UInt8] = []
        border.reserveCapacity(2 * (image.width + image.height))
        for x in 0..<image.width {
            border.append(image[x, 0])
            if image.height > 1 { border.append(image[x, image.height - 1]) }
        }
        if image.height > 2 {
            for y in 1..<(image.height - 1) {
                border.append(image[0, y])
                if image.width > 1 { border.append(image[image.width - 1, y]) }
            }
        }
        return border
    }

    /// The lower median of `values` (0 for none), by counting.
    ///
    /// - Complexity: O(n).
    static func median(_ values: [UInt8]) -> UInt8 {
        var counts = [Int](repeating: 0, count: 256)
        for value in values { counts[Int(value)] += 1 }
        var seen = 0
        for (value, count) in counts.enumerated() {
            seen += count
            if seen * 2 >= values.count { return UInt8(value) }
        }
        return 0
    }
}
