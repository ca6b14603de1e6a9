import FNNKit

/// Rows of handwritten digits made from MNIST digits, with known answers, for testing
/// `fnn predict --segment`: each kind adds one difficulty to digits laid out left to right
/// on paper of either polarity.
///
/// Tune on rows made from MNIST's training digits; report on rows made from its test
/// digits (`DigitStringMaker(dataset:)` takes whichever it is given).
package enum DigitStringKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Digits apart, with gaps of 0.15–0.45 of the digit height, on one centre line.
    case separated
    /// Each digit moved up or down by up to a fifth of the row's height.
    case baselineJitter = "baseline-jitter"
    /// Each digit scaled by 0.75–1.25.
    case scaleJitter = "scale-jitter"
    /// Gaussian noise of σ 8–20 grey levels over the whole image.
    case noise
    /// A ruled line under the row, 0.1–0.25 of a digit height below it.
    case underline
    /// 3–10 dots of ink, off the digits.
    case specks
    /// Six in ten digits have a band of rows erased across them, breaking their strokes.
    case brokenStrokes = "broken-strokes"
    /// A box around the row: a rectangle, a comb of boxes, or two vertical lines of the full height.
    case boxed
    /// 2–6 digits of which one neighbouring pair touches.
    case touching

    package var description: String { rawValue }
}

/// One synthetic row and its answer.
package struct DigitString: Sendable {
    package var image: GrayImage
    /// The true digits, left to right.
    package var digits: String
    /// The digits' indices in the dataset, left to right.
    package var indices: [Int]
    /// Each digit as the row has it (scaled, broken, on the same paper, with noise), in
    /// an image of its own: what a single-digit reader would be given.
    package var alone: [GrayImage]
}

/// Makes rows of digits from a dataset of 28 × 28 MNIST digits, deterministically: the
/// same kind and seed give the same row.
package struct DigitStringMaker: Sendable {
    package let dataset: MNISTDataset

    package init(dataset: MNISTDataset) {
        self.dataset = dataset
    }

    /// A float canvas, 0 paper … 1 ink.
    private struct Canvas {
        var width: Int
        var height: Int
        var ink: [Double]

        init(width: Int, height: Int) {
            self.width = width
            self.height = height
            ink = Array(repeating: 0, count: width * height)
        }

        mutating func stamp(_ digit: Glyph, x: Int, y: Int) {
            for row in 0..<digit.height {
                for column in 0..<digit.width {
                    let targetX = x + column, targetY = y + row
                    guard targetX >= 0, targetX < width, targetY >= 0, targetY < height else { continue }
                    ink[targetY * width + targetX] = max(ink[targetY * width + targetX], digit.ink[row * digit.width + column])
                }
            }
        }

        mutating func fill(x: Int, y: Int, width boxWidth: Int, height boxHeight: Int, _ value: Double = 1) {
            let rows = max(0, y)..<max(max(0, y), min(height, y + boxHeight))
            let columns = max(0, x)..<max(max(0, x), min(width, x + boxWidth))
            for row in rows {
                for column in columns { ink[row * width + column] = max(ink[row * width + column], value) }
            }
        }

        func inkNear(x: Int, y: Int, radius: Int) -> Bool {
            for row in max(0, y - radius)...min(height - 1, y + radius) {
                for column in max(0, x - radius)...min(width - 1, x + radius) where ink[row * width + column] > 0.02 { return true }
            }
            return false
        }
    }

    /// A digit cropped to its ink, 0…1.
    private struct Glyph {
        var width: Int
        var height: Int
        var ink: [Double]

        /// The bilinear resampling to `scale` times the size.
        func scaled(_ scale: Double) -> Glyph {
            let newWidth = max(1, Int((Double(width) * scale).rounded()))
            let newHeight = max(1, Int((Double(height) * scale).rounded()))
            var out = [Double](repeating: 0, count: newWidth * newHeight)
            for y in 0..<newHeight {
                let sourceY = min(Double(height - 1), max(0, (Double(y) + 0.5) / scale - 0.5))
                let y0 = Int(sourceY), y1 = min(height - 1, y0 + 1), fy = sourceY - Double(y0)
                for x in 0..<newWidth {
                    let sourceX = min(Double(width - 1), max(0, (Double(x) + 0.5) / scale - 0.5))
                    let x0 = Int(sourceX), x1 = min(width - 1, x0 + 1), fx = sourceX - Double(x0)
                    let top = ink[y0 * width + x0] * (1 - fx) + ink[y0 * width + x1] * fx
                    let bottom = ink[y1 * width + x0] * (1 - fx) + ink[y1 * width + x1] * fx
                    out[y * newWidth + x] = top * (1 - fy) + bottom * fy
                }
            }
            return Glyph(width: newWidth, height: newHeight, ink: out)
        }

        /// Whether the strokes (ink ≥ ½) of this glyph at `offset` and of `other` at 0 touch
        /// (8-neighbours), when both are drawn from the same top.
        func touches(_ other: Glyph, at offset: Int, top: Int, otherTop: Int) -> Bool {
            for y in 0..<height {
                for x in 0..<width where ink[y * width + x] >= 0.5 {
                    for dy in -1...1 {
                        for dx in -1...1 {
                            let ox = offset + x + dx, oy = top + y + dy - otherTop
                            guard ox >= 0, ox < other.width, oy >= 0, oy < other.height else { continue }
                            if other.ink[oy * other.width + ox] >= 0.5 { return true }
                        }
                    }
                }
            }
            return false
        }
    }

    private func glyph(_ index: Int) -> Glyph {
        let side = 28
        let base = index * dataset.pixelsPerImage
        var minX = side, minY = side, maxX = -1, maxY = -1
        for y in 0..<side {
            for x in 0..<side where dataset.pixels[base + y * side + x] > 0 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return Glyph(width: 1, height: 1, ink: [0]) }
        let width = maxX - minX + 1, height = maxY - minY + 1
        var ink = [Double](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width { ink[y * width + x] = Double(dataset.pixels[base + (minY + y) * side + minX + x]) / 255 }
        }
        return Glyph(width: width, height: height, ink: ink)
    }

    /// The row of `kind` for `seed`.
    package func make(_ kind: DigitStringKind, seed: UInt64) -> DigitString {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9 &+ UInt64(DigitStringKind.allCases.firstIndex(of: kind) ?? 0) &+ 1)
        func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * random.nextUnit() }
        func integer(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }

        let count = kind == .touching ? integer(2...6) : integer(1...12)
        let scale = [1.0, 1.5, 2, 2.5, 3][integer(0...4)]
        var indices: [Int] = []
        var glyphs: [Glyph] = []
        for _ in 0..<count {
            let index = integer(0...(dataset.count - 1))
            indices.append(index)
            glyphs.append(glyph(index).scaled(scale * (kind == .scaleJitter ? uniform(0.75, 1.25) : 1)))
        }
        if kind == .brokenStrokes {
            for index in glyphs.indices where random.nextUnit() < 0.6 {
                var glyph = glyphs[index]
                let band = max(2, Int((0.1 * Double(glyph.height)).rounded()))
                let start = Int(uniform(0.25, 0.75) * Double(glyph.height))
                for y in start..<min(glyph.height, start + band) {
                    for x in 0..<glyph.width { glyph.ink[y * glyph.width + x] = 0 }
                }
                glyphs[index] = glyph
            }
        }
        let rowHeight = glyphs.map(\.height).max() ?? 1
        let unit = Double(rowHeight)
        let jitter = kind == .baselineJitter ? 0.2 * unit : 0
        let margin = Int((0.5 * unit).rounded()) + (kind == .boxed ? Int(0.3 * unit) : 0)
        let extraBelow = kind == .underline ? Int(0.5 * unit) : 0
        let height = rowHeight + 2 * Int(jitter.rounded(.up)) + 2 * margin + extraBelow
        // Left edges and tops.
        let touchingPair = kind == .touching ? integer(0...(count - 2)) : -1
        var lefts: [Int] = []
        var tops: [Int] = []
        var x = margin
        for (index, glyph) in glyphs.enumerated() {
            let top = margin + Int(jitter.rounded(.up)) + (rowHeight - glyph.height) / 2 + Int(uniform(-jitter, jitter).rounded())
            if index > 0 {
                if index - 1 == touchingPair {
                    // Move left from just apart until the strokes touch, then overlap 0–1 pixel more.
                    let previous = glyphs[index - 1]
                    var position = lefts[index - 1] + previous.width
                    while position > lefts[index - 1] + previous.width / 3 {
                        if glyph.touches(previous, at: position - lefts[index - 1], top: top, otherTop: tops[index - 1]) { break }
                        position -= 1
                    }
                    x = position - integer(0...1)
                } else {
                    x += Int((uniform(0.15, 0.45) * unit).rounded())
                }
            }
            lefts.append(x)
            tops.append(top)
            x += glyph.width
        }
        let width = x + margin
        var canvas = Canvas(width: width, height: height)
        for (index, glyph) in glyphs.enumerated() { canvas.stamp(glyph, x: lefts[index], y: tops[index]) }
        let left = lefts.first ?? margin
        let right = x
        let rowTop = tops.min() ?? margin
        let rowBottom = zip(tops, glyphs).map { $0 + $1.height }.max() ?? (margin + rowHeight)
        let thickness = max(1, Int((uniform(0.06, 0.12) * unit).rounded()))
        switch kind {
        case .underline:
            let y = rowBottom + Int((uniform(0.1, 0.25) * unit).rounded())
            let overhang = Int(0.2 * unit)
            canvas.fill(x: left - overhang, y: y, width: right - left + 2 * overhang, height: thickness)
        case .boxed:
            let padding = Int((0.25 * unit).rounded())
            let boxLeft = left - padding, boxRight = right + padding, boxTop = rowTop - padding, boxBottom = rowBottom + padding
            switch integer(0...2) {
            case 0, 1:
                canvas.fill(x: boxLeft, y: boxTop, width: boxRight - boxLeft, height: thickness)
                canvas.fill(x: boxLeft, y: boxBottom - thickness, width: boxRight - boxLeft, height: thickness)
                canvas.fill(x: boxLeft, y: boxTop, width: thickness, height: boxBottom - boxTop)
                canvas.fill(x: boxRight - thickness, y: boxTop, width: thickness, height: boxBottom - boxTop)
                if random.nextUnit() < 0.5 {
                    // A comb: a divider midway between each pair of neighbours.
                    for index in 1..<max(1, count) {
                        let divider = (lefts[index - 1] + glyphs[index - 1].width + lefts[index]) / 2
                        if !(lefts[index - 1] + glyphs[index - 1].width..<lefts[index]).contains(divider) { continue }
                        canvas.fill(x: divider, y: boxTop, width: max(1, thickness / 2), height: boxBottom - boxTop)
                    }
                }
            default:
                canvas.fill(x: max(0, boxLeft), y: 0, width: thickness, height: height)
                canvas.fill(x: min(width - thickness, boxRight), y: 0, width: thickness, height: height)
            }
        case .specks:
            for _ in 0..<integer(3...10) {
                let radius = uniform(0.5, 1.5) * scale
                for _ in 0..<50 {
                    let centreX = integer(0...(width - 1)), centreY = integer(0...(height - 1))
                    if canvas.inkNear(x: centreX, y: centreY, radius: Int(radius.rounded(.up)) + 2) { continue }
                    let value = uniform(0.6, 1)
                    let reach = Int(radius.rounded(.up))
                    for dy in -reach...reach {
                        for dx in -reach...reach where Double(dx * dx + dy * dy) <= radius * radius + 0.25 {
                            canvas.fill(x: centreX + dx, y: centreY + dy, width: 1, height: 1, value)
                        }
                    }
                    break
                }
            }
        default: break
        }
        // Paper and ink of either polarity.
        let darkOnLight = random.next() % 2 == 0
        let paper = darkOnLight ? uniform(200, 255) : uniform(0, 40)
        let inkLevel = darkOnLight ? uniform(0, 60) : uniform(200, 255)
        let sigma = kind == .noise ? uniform(8, 20) : 0
        var pixels = [UInt8](repeating: 0, count: width * height)
        for index in pixels.indices {
            var value = paper + (inkLevel - paper) * canvas.ink[index]
            if sigma > 0 { value += sigma * random.nextNormal() }
            pixels[index] = UInt8(max(0, min(255, value.rounded())))
        }
        // Each digit as the row has it (scaled, broken), alone on the same paper.
        var alone: [GrayImage] = []
        for glyph in glyphs {
            var single = Canvas(width: glyph.width + 2 * margin, height: glyph.height + 2 * margin)
            single.stamp(glyph, x: margin, y: margin)
            alone.append(GrayImage(width: single.width, height: single.height, pixels: single.ink.map { ink in
                var value = paper + (inkLevel - paper) * ink
                if sigma > 0 { value += sigma * random.nextNormal() }
                return UInt8(max(0, min(255, value.rounded())))
            }))
        }
        let digits = indices.map { String(dataset.labels[$0]) }.joined()
        return DigitString(
            image: GrayImage(width: width, height: height, pixels: pixels), digits: digits, indices: indices, alone: alone)
    }
}

/// Counts how well rows were read: exact strings, and the digit error rate (the edit
/// distance between the read and the true string, over the true digits).
package struct StringScore: Sendable, CustomStringConvertible {
    package var strings = 0
    package var exact = 0
    package var edits = 0
    package var digits = 0
    package var failed = 0

    package init() {}

    package mutating func add(read: String?, truth: String) {
        strings += 1
        digits += truth.count
        guard let read else {
            failed += 1
            edits += truth.count
            return
        }
        if read == truth { exact += 1 }
        edits += Self.editDistance(Array(read), Array(truth))
    }

    package var exactRate: Double { strings == 0 ? 0 : Double(exact) / Double(strings) }
    package var digitErrorRate: Double { digits == 0 ? 0 : Double(edits) / Double(digits) }

    package var description: String {
        "exact \(exact)/\(strings) = \(Self.percent(exactRate)), digit error \(edits)/\(digits) = \(Self.percent(digitErrorRate))"
            + (failed > 0 ? ", \(failed) failed" : "")
    }

    package static func percent(_ value: Double) -> String {
        let tenths = Int((value * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10) %"
    }

    /// Levenshtein distance: the fewest insertions, deletions and substitutions.
    package static func editDistance<T: Equatable>(_ first: [T], _ second: [T]) -> Int {
        var previous = Array(0...second.count)
        for (row, a) in first.enumerated() {
            var current = [row + 1] + Array(repeating: 0, count: second.count)
            for (column, b) in second.enumerated() {
                current[column + 1] = min(previous[column + 1] + 1, current[column] + 1, previous[column] + (a == b ? 0 : 1))
            }
            previous = current
        }
        return previous[second.count]
    }
}
