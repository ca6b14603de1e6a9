import FNNImage

/// A scan with what `fnn predict --segment` made of it: each digit's box in blue (orange
/// when it was cut out of touching digits) with its reading above it, and the ink set
/// aside (specks, underlines, borders, frames) framed in grey with the reason below.
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

    /// The largest scan drawn, in pixels of the picture (it is enlarged up to 4 times).
    static let maximumSide = 2400

    /// - Parameters:
    ///   - image: the scan.
    ///   - digits: its digits, left to right.
    ///   - dropped: the components set aside.
    ///   - caption: a line of text above the scan.
    package static func render(
        _ image: GrayImage, digits: [Digit], dropped: [Segmentation.Dropped], caption: String
    ) throws(PictureError) -> Canvas {
        guard image.width > 0, image.height > 0 else { throw PictureError("the image is empty") }
        let scale = max(1, min(4, maximumSide / max(image.width, image.height)))
        let margin = 10
        let band = 16
        let width = max(image.width * scale + 2 * margin, BitmapFont.width(of: caption) + 2 * margin)
        let height = image.height * scale + 2 * margin + 3 * band
        guard width * height <= Canvas.maximumPixels else { throw PictureError("the image is too large to draw") }
        var canvas = Canvas(width: width, height: height, background: Color(245, 245, 245))
        canvas.text(caption, x: margin, y: margin)
        let left = margin
        let top = margin + 2 * band
        for y in 0..<image.height {
            for x in 0..<image.width {
                let value = image[x, y]
                canvas.fill(x: left + x * scale, y: top + y * scale, width: scale, height: scale, Color(value, value, value))
            }
        }
        func frame(_ box: PixelBox, _ color: Color, thickness: Int) {
            canvas.frame(
                x: left + box.minX * scale - thickness, y: top + box.minY * scale - thickness,
                width: box.width * scale + 2 * thickness, height: box.height * scale + 2 * thickness, thickness: thickness, color)
        }
        for item in dropped {
            frame(item.box, .gray, thickness: 1)
            canvas.centredText(
                item.reason.rawValue, x: left + (item.box.minX + item.box.width / 2) * scale,
                y: top + (item.box.maxY + 1) * scale + 3, .gray)
        }
        for digit in digits {
            let color: Color = digit.touching ? .orange : .blue
            frame(digit.box, color, thickness: 2)
            if let label = digit.label {
                canvas.centredText(
                    label, x: left + (digit.box.minX + digit.box.width / 2) * scale, y: top + digit.box.minY * scale - 12,
                    color)
            }
        }
        return canvas
    }
}
