/// Turns any grey image of a single digit into MNIST's form: white ink on black, the ink
/// scaled to fit a 20 × 20 box (aspect ratio kept, area-averaged, so anti-aliased) and
/// placed in a 28 × 28 field with its centre of mass at the centre.
///
/// Steps:
/// 1. Polarity: the image border is taken as paper; light paper (dark ink) is inverted
///    (`Paper`).
/// 2. An image that is already an MNIST digit (28 × 28 on a black border) is returned
///    unchanged, so the IDX pixels pass through bit for bit.
/// 3. The paper level (the border's median) is subtracted (`InkImage`) and the contrast
///    stretched to 0…255; an image whose ink does not rise clearly above the paper has
///    "no ink".
/// 4. The ink's bounding box is that of pixels at ≥ 25 % of full ink, so faint paper noise
///    does not widen it.
/// 5. The box is scaled so its longer side is 20 pixels, by area averaging, and the
///    result stretched so its strongest ink is 255.
/// 6. The result is placed in 28 × 28 with its centre of mass at (14, 14).
public struct DigitNormalizer: Sendable {
    /// The side of the output field.
    public static let side = 28
    /// The side of the box the ink is scaled to fit.
    public static let box = 20
    /// The smallest contrast between ink and paper that counts as ink.
    public static let minimumContrast = 40

    public init() {}

    /// The 28 × 28 MNIST-form digit (0 background, 255 ink) of an image.
    ///
    /// - Throws: `ImageError` with code `noInk` for a blank image.
    public func normalize(_ image: GrayImage) throws(ImageError) -> [UInt8] {
        let paper = Paper(of: image)
        if !paper.isLight, image.width == Self.side, image.height == Self.side, paper.borderMean <= 32 {
            guard let peak = image.pixels.max(), Int(peak) >= Self.minimumContrast else {
                throw ImageError(.noInk, "no ink found (the image is blank)")
            }
            return image.pixels
        }
        return try normalize(InkImage(image, paper: paper))
    }

    /// The 28 × 28 MNIST-form digit of ink already measured above the paper (steps 3–6):
    /// a whole image's, or one digit's cut out of a row by `DigitSegmenter`, so that both
    /// are normalised by the same code.
    ///
    /// - Throws: `ImageError` with code `noInk` when no ink rises `minimumContrast` above
    ///   the paper.
    package func normalize(_ ink: InkImage) throws(ImageError) -> [UInt8] {
        let peak = ink.peak
        guard peak >= Self.minimumContrast else {
            throw ImageError(.noInk, "no ink found (nothing stands out from the background)")
        }
        let threshold = peak / 4
        var minX = ink.width, minY = ink.height, maxX = -1, maxY = -1
        for y in 0..<ink.height {
            for x in 0..<ink.width where Int(ink.values[y * ink.width + x]) >= threshold {
                minX = min(minX, x)
                maxX = max(maxX, x)
                minY = min(minY, y)
                maxY = max(maxY, y)
            }
        }
        let boxWidth = maxX - minX + 1
        let boxHeight = maxY - minY + 1
        // Stretch contrast to full ink, clearing what is below a tenth of it (paper noise).
        let floor = peak / 10
        var crop = [Double](repeating: 0, count: boxWidth * boxHeight)
        for y in 0..<boxHeight {
            for x in 0..<boxWidth {
                let value = Int(ink.values[(minY + y) * ink.width + minX + x])
                crop[y * boxWidth + x] = value < floor ? 0 : min(255, Double(value) * 255 / Double(peak))
            }
        }
        let scale = Double(Self.box) / Double(max(boxWidth, boxHeight))
        let outWidth = max(1, min(Self.box, Int((Double(boxWidth) * scale).rounded())))
        let outHeight = max(1, min(Self.box, Int((Double(boxHeight) * scale).rounded())))
        var scaled = Self.areaAverage(crop, width: boxWidth, height: boxHeight, toWidth: outWidth, toHeight: outHeight)
        // Shrinking thins strokes into grey; stretch back so the darkest ink is full ink, as in MNIST.
        if let top = scaled.max(), top > 0 { scaled = scaled.map { $0 * 255 / top } }
        return Self.centre(scaled, width: outWidth, height: outHeight)
    }

    /// Resamples by area averaging: each output pixel is the mean of the input area it
    /// covers, with partial pixels weighted by their overlap.
    ///
    /// - Complexity: O(input pixels + output pixels × overlap).
    static func areaAverage(_ input: [Double], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Double] {
        func weights(_ from: Int, _ to: Int) -> [[(Int, Double)]] {
            let ratio = Double(from) / Double(to)
            return (0..<to).map { index in
                let start = Double(index) * ratio
                let end = start + ratio
                var parts: [(Int, Double)] = []
                var position = Int(start)
                while Double(position) < end && position < from {
                    let overlap = min(end, Double(position + 1)) - max(start, Double(position))
                    if overlap > 1e-12 { parts.append((position, overlap / ratio)) }
                    position += 1
                }
                return parts
            }
        }
        let columns = weights(width, toWidth)
        let rows = weights(height, toHeight)
        // Rows first, then columns.
        var horizontal = [Double](repeating: 0, count: toWidth * height)
        for y in 0..<height {
            for x in 0..<toWidth {
                var sum = 0.0
                for (source, weight) in columns[x] { sum += input[y * width + source] * weight }
                horizontal[y * toWidth + x] = sum
            }
        }
        var output = [Double](repeating: 0, count: toWidth * toHeight)
        for y in 0..<toHeight {
            for x in 0..<toWidth {
                var sum = 0.0
                for (source, weight) in rows[y] { sum += horizontal[source * toWidth + x] * weight }
                output[y * toWidth + x] = sum
            }
        }
        return output
    }

    /// Places the scaled digit in 28 × 28 with its centre of mass at the centre.
    static func centre(_ digit: [Double], width: Int, height: Int) -> [UInt8] {
        var mass = 0.0, sumX = 0.0, sumY = 0.0
        for y in 0..<height {
            for x in 0..<width {
                let value = digit[y * width + x]
                mass += value
                sumX += value * (Double(x) + 0.5)
                sumY += value * (Double(y) + 0.5)
            }
        }
        let centreX = mass > 0 ? sumX / mass : Double(width) / 2
        let centreY = mass > 0 ? sumY / mass : Double(height) / 2
        let offsetX = Int((Double(side) / 2 - centreX).rounded())
        let offsetY = Int((Double(side) / 2 - centreY).rounded())
        var output = [UInt8](repeating: 0, count: side * side)
        for y in 0..<height {
            let targetY = y + offsetY
            guard targetY >= 0, targetY < side else { continue }
            for x in 0..<width {
                let targetX = x + offsetX
                guard targetX >= 0, targetX < side else { continue }
                output[targetY * side + targetX] = UInt8(min(255, max(0, digit[y * width + x].rounded())))
            }
        }
        return output
    }
}
