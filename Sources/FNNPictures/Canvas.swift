import FNNImage

/// An RGB colour.
package struct Color: Sendable, Equatable {
    package var red: UInt8
    package var green: UInt8
    package var blue: UInt8

    package init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    package static let white = Color(255, 255, 255)
    package static let black = Color(0, 0, 0)
    package static let gray = Color(128, 128, 128)
    package static let lightGray = Color(220, 220, 220)
    package static let red = Color(214, 39, 40)
    package static let blue = Color(31, 119, 180)
    package static let orange = Color(255, 127, 14)

    /// A diverging map for `value` in −1…1: blue for negative, white at zero, red for
    /// positive (the ends of ColorBrewer's RdBu).
    package static func diverging(_ value: Double) -> Color {
        let t = max(-1, min(1, value.isFinite ? value : 0))
        let end = t < 0 ? (33.0, 102.0, 172.0) : (178.0, 24.0, 43.0)
        let weight = abs(t)
        func mix(_ channel: Double) -> UInt8 { UInt8((255 + (channel - 255) * weight).rounded()) }
        return Color(mix(end.0), mix(end.1), mix(end.2))
    }

    /// A sequential map for `value` in 0…1: white to dark blue.
    package static func sequential(_ value: Double) -> Color {
        let t = max(0, min(1, value.isFinite ? value : 0))
        func mix(_ end: Double) -> UInt8 { UInt8((255 + (end - 255) * t).rounded()) }
        return Color(mix(8), mix(48), mix(107))
    }
}

/// An RGB raster with the few drawing operations fnn's pictures need: rectangles, lines
/// and text in the built-in bitmap font. Drawing outside the canvas is clipped.
package struct Canvas: Sendable {
    package let width: Int
    package let height: Int
    /// `width × height × 3` bytes, row-major.
    package private(set) var pixels: [UInt8]

    package init(width: Int, height: Int, background: Color = .white) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// A coordinate from a computed position, clamped far outside any canvas (and NaN
    /// sent there too) so that it can never trap on conversion; drawing clips it.
    static func coordinate(_ value: Double) -> Int {
        let bound = Double(1 << 20)
        guard !value.isNaN else { return -(1 << 20) }
        return Int(min(bound, max(-bound, value.rounded(.towardZero))))
    }

    /// The most pixels a picture may have (a 16,384 × 16,384 canvas).
    static let maximumPixels = 1 << 28

    package subscript(x: Int, y: Int) -> Color {
        let index = (y * width + x) * 3
        return Color(pixels[index], pixels[index + 1], pixels[index + 2])
    }

    package mutating func set(_ x: Int, _ y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let index = (y * width + x) * 3
        pixels[index] = color.red
        pixels[index + 1] = color.green
        pixels[index + 2] = color.blue
    }

    package mutating func fill(x: Int, y: Int, width: Int, height: Int, _ color: Color) {
        for row in max(0, y)..<max(max(0, y), min(self.height, y + height)) {
            for column in max(0, x)..<max(max(0, x), min(self.width, x + width)) { set(column, row, color) }
        }
    }

    /// A rectangle's outline, `thickness` pixels wide, inside the given bounds.
    package mutating func frame(x: Int, y: Int, width: Int, height: Int, thickness: Int = 1, _ color: Color) {
        fill(x: x, y: y, width: width, height: thickness, color)
        fill(x: x, y: y + height - thickness, width: width, height: thickness, color)
        fill(x: x, y: y, width: thickness, height: height, color)
        fill(x: x + width - thickness, y: y, width: thickness, height: height, color)
    }

    /// A straight line (Bresenham), `thickness` pixels wide.
    package mutating func line(from start: (Int, Int), to end: (Int, Int), thickness: Int = 1, _ color: Color) {
        var (x0, y0) = start
        let (x1, y1) = end
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        let half = thickness / 2
        while true {
            fill(x: x0 - half, y: y0 - half, width: thickness, height: thickness, color)
            if x0 == x1 && y0 == y1 { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x0 += sx }
            if doubled <= dx { error += dx; y0 += sy }
        }
    }

    /// Text in the bitmap font with its top-left corner at (x, y), each font pixel drawn
    /// as a `scale × scale` square.
    package mutating func text(_ text: String, x: Int, y: Int, scale: Int = 1, _ color: Color = .black) {
        Self.forEachFontPixel(text, scale: scale) { along, row, column in
            fill(x: x + along + column * scale, y: y + row * scale, width: scale, height: scale, color)
        }
    }

    /// Text centred on `x`.
    package mutating func centredText(_ string: String, x: Int, y: Int, scale: Int = 1, _ color: Color = .black) {
        text(string, x: x - BitmapFont.width(of: string) * scale / 2, y: y, scale: scale, color)
    }

    /// Text drawn rotated a quarter turn anticlockwise (reading upwards), its glyphs'
    /// bottom-left at (x, y).
    package mutating func verticalText(_ string: String, x: Int, y: Int, scale: Int = 1, _ color: Color = .black) {
        Self.forEachFontPixel(string, scale: scale) { along, row, column in
            fill(x: x + row * scale, y: y - along - column * scale, width: scale, height: scale, color)
        }
    }

    /// Calls `body` for every set pixel of `text` in the bitmap font, with the distance
    /// along the line of its glyph's start (in canvas pixels) and its row and column in
    /// the glyph.
    private static func forEachFontPixel(
        _ text: String, scale: Int, _ body: (_ along: Int, _ row: Int, _ column: Int) -> Void
    ) {
        var along = 0
        for character in text {
            if let rows = BitmapFont.rows(for: character) {
                for (row, bits) in rows.enumerated() {
                    for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
                        body(along, row, column)
                    }
                }
            }
            along += BitmapFont.advance * scale
        }
    }

    /// The canvas as PNG bytes (deterministic: the same canvas gives the same bytes).
    package func png() throws(ImageError) -> [UInt8] {
        try PNGCodec.encodeRGB(pixels, width: width, height: height)
    }
}
