import FNNImage

/// Scans with what `fnn predict --segment` made of them: each digit's box in blue (orange
/// when it was cut out of touching digits) with its reading above it, and the ink set
/// aside (specks, underlines, borders, frames) framed in grey with the reason below; one
/// scan under another, each with a caption.
package enum SegmentationPicture {
    /// One digit's box and, if read, its label.
    package struct Digit: Sendable {
        package var box: PixelBox
        package var touching: Bool
        package var label: String?

        package init(box: PixelBox, touching: Bool, label: String?) {
            self.box = box
            self.touching = touching
            self.label = label
        }
    }

    /// One scan and what was found in it.
    package struct Scan: Sendable {
        package var image: GrayImage
        /// Its digits, left to right.
        package var digits: [Digit]
        /// The components set aside.
        package var dropped: [Segmentation.Dropped]
        /// A line of text above the scan.
        package var caption: String

        package init(image: GrayImage, digits: [Digit], dropped: [Segmentation.Dropped], caption: String) {
            self.image = image
            self.digits = digits
            self.dropped = dropped
            self.caption = caption
        }
    }

    /// The longest side a scan is drawn at when no scale is given (it is enlarged up to
    /// 4 times).
    static let maximumSide = 2400

    /// One scan: see `render(_:scale:)`.
    package static func render(
        _ image: GrayImage, digits: [Digit], dropped: [Segmentation.Dropped], caption: String
    ) throws(PictureError) -> Canvas {
        try render([Scan(image: image, digits: digits, dropped: dropped, caption: caption)])
    }

    /// - Parameters:
    ///   - scans: drawn one under another.
    ///   - scale: each scan pixel drawn as `scale × scale` (1…8); when nil, as large as
    ///     fits `maximumSide`, at most 4.
    package static func render(_ scans: [Scan], scale: Int? = nil) throws(PictureError) -> Canvas {
        guard !scans.isEmpty else { throw PictureError("there are no scans to draw") }
        guard scans.allSatisfy({ $0.image.width > 0 && $0.image.height > 0 }) else { throw PictureError("an image is empty") }
        let longest = scans.map { max($0.image.width, $0.image.height) }.max() ?? 1
        let zoom = min(8, max(1, scale ?? min(4, maximumSide / longest)))
        let margin = 10
        let band = 16
        let width = scans.map { max($0.image.width * zoom, BitmapFont.width(of: $0.caption)) }.max().map { $0 + 2 * margin } ?? 0
        let heights = scans.map { $0.image.height * zoom + 3 * band }
        let height = heights.reduce(margin, +) + margin
        guard width * height <= Canvas.maximumPixels else { throw PictureError("the images are too large to draw") }
        var canvas = Canvas(width: width, height: height, background: Color(245, 245, 245))
        var top = margin
        for (scan, scanHeight) in zip(scans, heights) {
            draw(scan, on: &canvas, left: margin, top: top, zoom: zoom, band: band)
            top += scanHeight
        }
        return canvas
    }

    private static func draw(_ scan: Scan, on canvas: inout Canvas, left: Int, top captionTop: Int, zoom: Int, band: Int) {
        canvas.text(scan.caption, x: left, y: captionTop)
        let top = captionTop + 2 * band
        let image = scan.image
        for y in 0..<image.height {
            for x in 0..<image.width {
                let value = image[x, y]
                canvas.fill(x: left + x * zoom, y: top + y * zoom, width: zoom, height: zoom, Color(value, value, value))
            }
        }
        func frame(_ box: PixelBox, _ color: Color, thickness: Int) {
            canvas.frame(
                x: left + box.minX * zoom - thickness, y: top + box.minY * zoom - thickness,
                width: box.width * zoom + 2 * thickness, height: box.height * zoom + 2 * thickness, thickness: thickness, color)
        }
        for item in scan.dropped {
            frame(item.box, .gray, thickness: 1)
            canvas.centredText(
                item.reason.rawValue, x: left + (item.box.minX + item.box.width / 2) * zoom,
                y: top + (item.box.maxY + 1) * zoom + 3, .gray)
        }
        for digit in scan.digits {
            let color: Color = digit.touching ? .orange : .blue
            frame(digit.box, color, thickness: 2)
            if let label = digit.label {
                canvas.centredText(
                    label, x: left + (digit.box.minX + digit.box.width / 2) * zoom, y: top + digit.box.minY * zoom - 12, color)
            }
        }
    }
}
