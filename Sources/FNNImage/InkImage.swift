/// How strongly each pixel of an image is inked: 0 for paper up to 255 for full ink,
/// whatever the image's polarity. It is what `DigitNormalizer` scales and centres, and what
/// `DigitSegmenter` splits into digits.
package struct InkImage: Sendable, Equatable {
    package let width: Int
    package let height: Int
    /// Row-major ink strengths, 0 paper … 255 full ink.
    package let values: [UInt8]
    /// The strongest ink (0 when there is none).
    package let peak: Int

    /// An ink image of `values`, `width × height` of them.
    ///
    /// - Precondition: `values.count == width * height`.
    package init(width: Int, height: Int, values: [UInt8]) {
        precondition(values.count == width * height, "values do not match the size")
        self.width = width
        self.height = height
        self.values = values
        self.peak = Int(values.max() ?? 0)
    }

    /// The ink of `image` above its `paper`: light paper is inverted so that ink is high,
    /// and the paper's level is subtracted (what falls below it is 0).
    package init(_ image: GrayImage, paper: Paper) {
        self.init(width: image.width, height: image.height, values: image.pixels.map(paper.inkStrength))
    }

    package subscript(x: Int, y: Int) -> UInt8 {
        values[y * width + x]
    }
}
