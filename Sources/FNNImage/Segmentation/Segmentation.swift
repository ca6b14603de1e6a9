/// What `DigitSegmenter` found in a row of digits: the digits, left to right, and the ink
/// it set aside.
package struct Segmentation: Sendable, Equatable {
    /// The ink strength at and above which a pixel is ink (`DigitSegmenter.threshold`).
    package var threshold: Int
    /// The digits, left to right.
    package var digits: [DigitSegment]
    /// The components that are not (part of) a digit, with the reason.
    package var dropped: [Dropped]
    /// The row's digit height H and width W, in pixels, that the rules measure by.
    package var digitHeight: Double
    package var digitWidth: Double

    /// A component set aside.
    package struct Dropped: Sendable, Equatable {
        package var box: PixelBox
        package var reason: Reason
    }

    /// Why a component is not part of a digit.
    package enum Reason: String, Sendable, Equatable, CaseIterable {
        /// Tiny next to the row's digits: dust, a dot of noise.
        case speck
        /// A long thin horizontal line: a form's underline, the top or bottom of a box.
        case underline
        /// A tall thin vertical line, taller than the digits: the side of a box.
        case border
        /// A thin outline around other components: a box drawn around the digits.
        case frame
    }
}

/// One digit of a row: where it is in the scan, and its ink alone.
package struct DigitSegment: Sendable, Equatable {
    /// Its place in the scan: the box of its pixels.
    package var box: PixelBox
    /// Whether it was cut out of a component that held more than one digit (touching
    /// digits).
    package var touching: Bool
    /// Its ink, the size of `box`, with every other digit's and every dropped component's
    /// pixels cleared: what `DigitNormalizer.normalize(_:)` makes a 28 × 28 digit of.
    package var ink: InkImage
}
