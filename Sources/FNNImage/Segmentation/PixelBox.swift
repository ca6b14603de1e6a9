/// An axis-aligned box of pixels in an image, inclusive of both ends.
package struct PixelBox: Sendable, Equatable, Hashable, CustomStringConvertible {
    package var minX: Int
    package var minY: Int
    package var maxX: Int
    package var maxY: Int

    package init(minX: Int, minY: Int, maxX: Int, maxY: Int) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The box of the single pixel (x, y).
    package init(x: Int, y: Int) {
        self.init(minX: x, minY: y, maxX: x, maxY: y)
    }

    package var width: Int { maxX - minX + 1 }
    package var height: Int { maxY - minY + 1 }
    /// Width × height.
    package var area: Int { width * height }

    /// The smallest box holding both.
    package func union(_ other: PixelBox) -> PixelBox {
        PixelBox(minX: min(minX, other.minX), minY: min(minY, other.minY), maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
    }

    /// Widens the box to hold (x, y).
    package mutating func include(x: Int, y: Int) {
        minX = min(minX, x)
        minY = min(minY, y)
        maxX = max(maxX, x)
        maxY = max(maxY, y)
    }

    /// How many columns the two boxes share (0 when they share none).
    package func horizontalOverlap(_ other: PixelBox) -> Int {
        max(0, min(maxX, other.maxX) - max(minX, other.minX) + 1)
    }

    /// How many rows the two boxes share (0 when they share none).
    package func verticalOverlap(_ other: PixelBox) -> Int {
        max(0, min(maxY, other.maxY) - max(minY, other.minY) + 1)
    }

    /// The rows of paper between the two boxes (0 when they share a row or touch).
    package func verticalGap(_ other: PixelBox) -> Int {
        max(0, max(minY, other.minY) - min(maxY, other.maxY) - 1)
    }

    /// Whether `other` lies inside this box without touching its edges.
    package func strictlyEncloses(_ other: PixelBox) -> Bool {
        other.minX > minX && other.maxX < maxX && other.minY > minY && other.maxY < maxY
    }

    package var description: String { "\(width)×\(height) at (\(minX), \(minY))" }
}
