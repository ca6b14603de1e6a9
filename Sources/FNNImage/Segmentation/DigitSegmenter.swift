import FNNSupport

/// Splits an image of a horizontal row of handwritten digits into the digits, left to
/// right, each with its own ink, ready for `DigitNormalizer` (`formats/digit-normalization.md`,
/// "Rows of digits").
///
/// Steps (the constants are `Parameters`' defaults):
/// 1. Paper and ink as for a single digit (`Paper`, `InkImage`): the border is paper, light
///    paper is inverted, the paper's level subtracted.
/// 2. Threshold: Otsu's level of the ink strengths, kept between a quarter and a half of
///    the strongest ink and never under `DigitNormalizer.minimumContrast`.
/// 3. Components: the 8-connected pieces of ink at the threshold.
/// 4. Dropped: dust (under 1 % of the largest component), frames (thin outlines around
///    other components) and borders (vertical lines taller than the digits, across most of
///    the image).
/// 5. The row's scale from the remaining large components: the digit height H (upper
///    quartile, or three quarters of their joint span, so pieces of broken digits do not
///    lower it), width W and area.
/// 6. Underlines dropped: thin horizontal lines under (or over) two or more digits, very
///    long ones, or one reaching past the single digit above it.
/// 7. Pieces of one digit merged (`Triage.arePieces`): a piece shorter than 0.7 H that
///    overlaps another in x, lies above or below it, or is a 5's detached top bar beside
///    it, with at most 0.25 H of paper between their nearest pixels; then H is measured
///    again from the merged groups, and they are merged again.
/// 8. Specks (groups under 0.4 H tall and 0.5 H wide) and short horizontal bars left over
///    dropped.
/// 9. Each digit's pixels: its components' pixels, grown by up to 0.1 H pixels into the
///    fainter ink around them (the anti-aliased edge of the strokes), the nearer digit
///    first (`RowCutter`).
/// 10. A group with a component wider than 1.25 H holds touching digits: it is cut into
///    round(width / W′) digits (at least 2; W′ the row's median single-digit width) along
///    the cheapest top-to-bottom paths through its ink near where the cuts are expected;
///    with a `Judge`, the way of cutting that judge scores best, and a narrower group that
///    the judge doubts is one digit may be cut too.
package struct DigitSegmenter: Sendable {
    /// The rules' constants, as shares of the row's digit height H, width W or area.
    package struct Parameters: Sendable, Equatable {
        /// Components under this share of the largest one's area are dust.
        package var dust = 0.01
        /// A frame's share of ink in its box is under this.
        package var frameFill = 0.3
        /// A frame encloses a component at least this share of its height.
        package var framedHeight = 0.4
        /// A border spans at least this share of the image's height…
        package var borderSpan = 0.8
        /// …and is at least this many times the digits' height.
        package var borderHeight = 1.2
        /// Components of at least this share of the largest area set the row's scale.
        package var scaleArea = 0.25
        /// H is at least this share of the height the large components span together.
        package var spanHeight = 0.75
        /// An underline is a thin horizontal line at most this share of H tall that lies
        /// under (or over) two or more other components it spans, or is at least `underlineWidth` times the larger
        /// of W and H / 2 wide, or lies under the one digit it spans, reaching past it on
        /// both sides, and is at least `shortUnderlineWidth` W wide.
        package var underlineHeight = 0.35
        package var underlineWidth = 2.5
        package var shortUnderlineWidth = 1.1
        /// A piece merged into another is shorter than this share of H…
        package var pieceHeight = 0.7
        /// …overlaps it in x by at least this share of the narrower one's width…
        package var pieceOverlap = 0.3
        /// …with at most this share of H of paper between them…
        package var pieceGap = 0.25
        /// …or this share when the smaller piece is under `dotArea` of a digit's area.
        package var dotGap = 0.1
        package var dotArea = 0.1
        /// A merged digit is at most this share of H tall.
        package var mergedHeight = 1.5
        /// A group under this share of H tall…
        package var speckHeight = 0.4
        /// …and this share of H wide is a speck.
        package var speckWidth = 0.5
        /// A group wider than this share of H holds touching digits.
        package var touchingWidth = 1.25
        /// Each cut is sought within this share of one digit's expected width either side
        /// of its expected place.
        package var cutWindow = 0.25
        /// Pixels are grown into the faint ink around the components by this share of H.
        package var growth = 0.1
        /// With a judge: groups at least this share of H wide are weighed as two digits…
        package var candidateWidth = 0.8
        /// …and at least this share as three.
        package var tripleWidth = 1.1
        /// With a judge: each cut adds this to a way's score, so a group is cut only when
        /// the pieces read clearly better than the whole.
        package var cutPenalty = 0.5
        /// With a judge: a group narrow enough to be one digit is weighed for cutting only
        /// when its score as one digit is over this (−log 0.9: the network gives it under 90 %).
        package var doubtfulScore = 0.105
        /// A cut path pays this much ink (of 255) for each step sideways.
        package var cutDrift = 32
        /// Each piece of a cut group is at least this share of H wide…
        package var minimumPieceWidth = 0.15
        /// …and this share tall.
        package var minimumPieceHeight = 0.35

        package init() {}

        package static let standard = Parameters()
    }

    /// The most digits a row may hold before the image is refused as not being a row of
    /// digits (noise, a texture, a page).
    package static let maximumDigits = 64

    package var parameters: Parameters

    package init(parameters: Parameters = .standard) {
        self.parameters = parameters
    }

    /// The digits of `image`, left to right.
    ///
    /// - Throws: `ImageError` with code `noInk` when nothing stands out from the paper or
    ///   only specks and lines do, `tooManyDigits` when over `maximumDigits` are found,
    ///   `tooLarge` for an image of 2³¹ pixels or more.
    package func segment(_ image: GrayImage, judge: Judge? = nil) throws(ImageError) -> Segmentation {
        guard image.pixels.count < Int(Int32.max) else {
            throw ImageError(.tooLarge, "too large to split into digits: \(image.width) × \(image.height) pixels")
        }
        return try segment(InkImage(image, paper: Paper(of: image)), judge: judge)
    }

    /// The digits of an ink image, left to right (see `segment(_:)` for a `GrayImage`).
    package func segment(_ ink: InkImage, judge: Judge? = nil) throws(ImageError) -> Segmentation {
        guard ink.peak >= DigitNormalizer.minimumContrast else {
            throw ImageError(.noInk, "no ink found (nothing stands out from the background)")
        }
        guard ink.values.count < Int(Int32.max) else {
            throw ImageError(.tooLarge, "too large to split into digits: \(ink.width) × \(ink.height) pixels")
        }
        let threshold = Self.threshold(ink)
        let found = InkComponents(ink, threshold: threshold)
        var triage = Triage(found.components, parameters: parameters, imageHeight: ink.height)
        triage.dropLines()
        var groups = triage.mergedPieces(triage.singleComponents(), labels: found.labels, imageWidth: ink.width)
        // Merged, the groups have whole digits' heights: measure again, and merge what the
        // truer scale now joins.
        triage.remeasure(groups)
        groups = triage.mergedPieces(groups, labels: found.labels, imageWidth: ink.width)
        triage.dropSpecks(&groups)
        guard !groups.isEmpty else {
            throw ImageError(.noInk, "no digits found: the ink is only specks, lines or borders")
        }
        let cutter = RowCutter(
            groups: groups, labels: found.labels, componentCount: found.components.count, ink: ink, parameters: parameters,
            digitHeight: triage.digitHeight, growth: triage.growthRadius)
        let digits = cutter.digits(judge: judge)
        guard digits.count <= Self.maximumDigits else {
            throw ImageError(
                .tooManyDigits,
                "found \(digits.count) digit-like pieces, more than the \(Self.maximumDigits) a row may hold: the image does not look like a row of digits")
        }
        return Segmentation(
            threshold: threshold, digits: digits, dropped: triage.dropped, digitHeight: triage.digitHeight,
            digitWidth: triage.digitWidth)
    }

    /// The level at and above which a pixel is ink: one more than Otsu's level, kept
    /// within a quarter and a half of the strongest ink and at least
    /// `DigitNormalizer.minimumContrast`.
    package static func threshold(_ ink: InkImage) -> Int {
        let otsu = ink.otsuLevel + 1
        return max(DigitNormalizer.minimumContrast, min(max(otsu, ink.peak / 4), max(ink.peak / 2, 1)))
    }
}
