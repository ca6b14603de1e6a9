extension DigitSegmenter {
    /// Scores one way of cutting a group of ink into digits, given the pieces' ink, left to
    /// right: lower is better; nil rejects it. `fnn predict --segment` scores by the
    /// classifier (`StringPredictor`).
    package typealias Judge = ([InkImage]) -> Double?

    /// One cut through a group: for each row of its grown box, top first, the column after
    /// which the pixels belong to the next digit.
    struct Cut: Sendable, Equatable {
        var columns: [Int]
    }

    /// Cuts groups into digits and crops each digit's ink (steps 9 and 10 of
    /// `DigitSegmenter`).
    struct RowCutter {
        let ink: InkImage
        let parameters: Parameters
        let groups: [Group]
        let digitHeight: Double
        /// The median width of the row's groups narrow enough to be one digit (W′).
        let singleWidth: Double
        /// Per pixel: 0 paper, −1 a dropped component, g + 1 group g (after growing).
        let owner: [Int32]
        /// Per group, the box of its pixels after growing.
        let boxes: [PixelBox]

        /// Grows the groups' pixels by `growth` pixels into the fainter ink around them:
        /// breadth-first from every group pixel at once, in scan order, so a faint pixel
        /// between two digits goes to the nearer one (the one above or left on a tie), the
        /// same way every time. Dropped components neither grow nor are grown into.
        init(groups: [Group], labels: [Int32], componentCount: Int, ink: InkImage, parameters: Parameters, digitHeight: Double, growth: Int) {
            self.ink = ink
            self.parameters = parameters
            self.groups = groups
            self.digitHeight = digitHeight
            let width = ink.width
            let height = ink.height
            var groupOfComponent = [Int32](repeating: -1, count: componentCount)
            for (index, group) in groups.enumerated() {
                for member in group.members { groupOfComponent[member] = Int32(index + 1) }
            }
            var owner = labels.map { $0 == 0 ? 0 : groupOfComponent[Int($0) - 1] }
            var boxes = groups.map(\.box)
            var frontier = owner.indices.filter { owner[$0] > 0 }
            for _ in 0..<growth where !frontier.isEmpty {
                var next: [Int] = []
                for index in frontier {
                    let x = index % width
                    let y = index / width
                    for neighbourY in max(0, y - 1)...min(height - 1, y + 1) {
                        for neighbourX in max(0, x - 1)...min(width - 1, x + 1) {
                            let neighbour = neighbourY * width + neighbourX
                            if owner[neighbour] == 0, ink.values[neighbour] > 0 {
                                owner[neighbour] = owner[index]
                                boxes[Int(owner[index]) - 1].include(x: neighbourX, y: neighbourY)
                                next.append(neighbour)
                            }
                        }
                    }
                }
                frontier = next
            }
            self.owner = owner
            self.boxes = boxes
            let widest = parameters.touchingWidth * digitHeight
            let single = groups.filter { Double($0.box.width) <= widest }.map(\.box.width)
            singleWidth = single.isEmpty
                ? 0.7 * digitHeight : min(0.9 * digitHeight, max(0.45 * digitHeight, Triage.quantile(single, 0.5)))
        }

        /// The digits of every group, left to right.
        ///
        /// Without a judge a group is cut as its width says (`geometricCount`). With one, a
        /// group that width says must be cut is cut the way the judge scores best among
        /// `hypotheses` (never left whole); a narrower one at least `candidateWidth` H wide
        /// is weighed only when the judge doubts it is one digit (its score over
        /// `doubtfulScore`), and cut only if some way of cutting scores better than leaving
        /// it whole by `cutPenalty` per cut.
        func digits(judge: Judge?) -> [DigitSegment] {
            var digits: [DigitSegment] = []
            for index in groups.indices {
                let count = geometricCount(index)
                var best = pieces(index, cuts: geometricCuts(index, count: count))
                if let judge {
                    var bestScore = judge(best.map(\.ink)) ?? .infinity
                    if count > 1 || bestScore > parameters.doubtfulScore {
                        for cuts in hypotheses(index) where !cuts.isEmpty {
                            let candidate = pieces(index, cuts: cuts)
                            guard plausible(candidate), let judged = judge(candidate.map(\.ink)) else { continue }
                            let score = judged + (count > 1 ? 0 : parameters.cutPenalty * Double(cuts.count))
                            if score < bestScore || (count > 1 && best.count == 1) {
                                bestScore = score
                                best = candidate
                            }
                        }
                    }
                }
                digits += best
            }
            return digits.sorted { ($0.box.minX, $0.box.minY) < ($1.box.minX, $1.box.minY) }
        }

        /// How many digits a group's width makes it: one while its widest component is at
        /// most `touchingWidth` H wide, else round(width / W′), at least two.
        func geometricCount(_ index: Int) -> Int {
            let width = Double(groups[index].box.width)
            guard Double(groups[index].widestMember) > parameters.touchingWidth * digitHeight else { return 1 }
            return min(DigitSegmenter.maximumDigits, max(2, Int((width / singleWidth).rounded())))
        }

        /// The ways of cutting a group the judge weighs: whole; in two, along the best path
        /// through its central three fifths and through each half of that; in three; and
        /// in as many as its width says.
        func hypotheses(_ index: Int) -> [[Cut]] {
            let box = groups[index].box
            let width = Double(box.width)
            var found: [[Cut]] = [[]]
            func add(_ cuts: [Cut]) { if !cuts.isEmpty, !found.contains(cuts) { found.append(cuts) } }
            if width >= parameters.candidateWidth * digitHeight {
                for (low, high) in [(0.2, 0.8), (0.2, 0.5), (0.5, 0.8)] {
                    let from = box.minX + Int((low * width).rounded())
                    let to = box.minX + Int((high * width).rounded())
                    if let cut = path(index, from: from, to: to) { add([cut]) }
                }
            }
            if width >= parameters.tripleWidth * digitHeight { add(geometricCuts(index, count: 3)) }
            let count = geometricCount(index)
            if count > 3 { add(geometricCuts(index, count: count)) }
            return found
        }

        /// The cuts that make `count` digits of a group: each the best path within
        /// `cutWindow` of a digit's share of the width either side of where it is expected.
        func geometricCuts(_ index: Int, count: Int) -> [Cut] {
            guard count > 1 else { return [] }
            let box = groups[index].box
            let share = Double(box.width) / Double(count)
            var cuts: [Cut] = []
            for cut in 1..<count {
                let centre = Double(box.minX) + Double(cut) * share
                let from = Int((centre - parameters.cutWindow * share).rounded(.up))
                let to = Int((centre + parameters.cutWindow * share).rounded(.down))
                if let path = path(index, from: from, to: to) { cuts.append(path) }
            }
            return cuts
        }

        /// The cheapest path from the top to the bottom of a group's grown box, within
        /// columns `from...to`: each row's column at most one from the row above's, the
        /// cost the group's ink on the path plus `cutDrift` for each step sideways; the
        /// path nearest the window's centre on a tie.
        ///
        /// - Complexity: O(rows × columns of the window).
        func path(_ index: Int, from: Int, to: Int) -> Cut? {
            let box = boxes[index]
            let low = max(box.minX, from)
            let high = min(box.maxX - 1, to)
            guard low <= high else { return nil }
            let columns = high - low + 1
            let group = Int32(index + 1)
            let drift = parameters.cutDrift
            var cost = [Int](repeating: 0, count: columns)
            var step = [Int8](repeating: 0, count: columns * box.height)
            for row in 0..<box.height {
                let y = box.minY + row
                var next = [Int](repeating: 0, count: columns)
                for column in 0..<columns {
                    var best = cost[column]
                    var move: Int8 = 0
                    if row > 0 {
                        if column > 0, cost[column - 1] + drift < best { best = cost[column - 1] + drift; move = -1 }
                        if column + 1 < columns, cost[column + 1] + drift < best { best = cost[column + 1] + drift; move = 1 }
                    }
                    let pixel = y * ink.width + low + column
                    next[column] = best + (owner[pixel] == group ? Int(ink.values[pixel]) : 0)
                    step[row * columns + column] = move
                }
                cost = next
            }
            let centre = Double(low + high) / 2 - Double(low)
            var end = 0
            for column in 1..<max(1, columns) {
                if cost[column] < cost[end] || (cost[column] == cost[end] && abs(Double(column) - centre) < abs(Double(end) - centre)) {
                    end = column
                }
            }
            var path = [Int](repeating: 0, count: box.height)
            var column = end
            for row in stride(from: box.height - 1, through: 0, by: -1) {
                path[row] = low + column
                column += Int(step[row * columns + column])
            }
            return Cut(columns: path)
        }

        /// The digits a group makes when cut along `cuts` (left to right), each with its
        /// own ink cropped to its box; a digit left without pixels is left out.
        func pieces(_ index: Int, cuts: [Cut]) -> [DigitSegment] {
            let box = boxes[index]
            let group = Int32(index + 1)
            func piece(_ x: Int, _ y: Int) -> Int {
                cuts.reduce(0) { $0 + (x > $1.columns[y - box.minY] ? 1 : 0) }
            }
            var pieceBoxes = [PixelBox?](repeating: nil, count: cuts.count + 1)
            for y in box.minY...box.maxY {
                for x in box.minX...box.maxX where owner[y * ink.width + x] == group {
                    let index = piece(x, y)
                    if pieceBoxes[index] == nil { pieceBoxes[index] = PixelBox(x: x, y: y) } else { pieceBoxes[index]?.include(x: x, y: y) }
                }
            }
            var crops = pieceBoxes.map { box in box.map { [UInt8](repeating: 0, count: $0.area) } ?? [] }
            for y in box.minY...box.maxY {
                for x in box.minX...box.maxX where owner[y * ink.width + x] == group {
                    let index = piece(x, y)
                    guard let crop = pieceBoxes[index] else { continue }
                    crops[index][(y - crop.minY) * crop.width + x - crop.minX] = ink.values[y * ink.width + x]
                }
            }
            return zip(pieceBoxes, crops).compactMap { box, crop in
                box.map { DigitSegment(box: $0, touching: !cuts.isEmpty, ink: InkImage(width: $0.width, height: $0.height, values: crop)) }
            }
        }

        /// Whether every piece is large enough to be a digit (`pieceWidth` and
        /// `pieceTall` of H).
        func plausible(_ pieces: [DigitSegment]) -> Bool {
            pieces.allSatisfy {
                Double($0.box.width) >= parameters.minimumPieceWidth * digitHeight
                    && Double($0.box.height) >= parameters.minimumPieceHeight * digitHeight
            }
        }
    }
}
