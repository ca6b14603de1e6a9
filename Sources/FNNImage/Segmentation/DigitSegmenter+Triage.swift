extension DigitSegmenter {
    /// Some components taken as one digit (or as touching digits, when one is too wide).
    struct Group: Sendable, Equatable {
        /// Indices in `InkComponents.components`, ascending.
        var members: [Int]
        var box: PixelBox
        /// Pixels at or above the threshold.
        var area: Int
        /// The width of its widest component: a group is cut into digits only when one
        /// component is too wide for a digit, not when pieces side by side make it so.
        var widestMember: Int
    }

    /// Sorts a row's components into digits and the rest (steps 4–8 of `DigitSegmenter`).
    struct Triage: Sendable {
        let components: [InkComponents.Component]
        let parameters: Parameters
        let imageHeight: Int
        /// Whether each component is still taken as (part of) a digit.
        private(set) var alive: [Bool]
        private(set) var dropped: [Segmentation.Dropped] = []
        /// The row's digit height H, width W and area, once `dropLines()` has run.
        private(set) var digitHeight = 1.0
        private(set) var digitWidth = 1.0
        private(set) var digitArea = 1.0

        /// Drops dust and frames.
        init(_ components: [InkComponents.Component], parameters: Parameters, imageHeight: Int) {
            self.components = components
            self.parameters = parameters
            self.imageHeight = imageHeight
            alive = Array(repeating: true, count: components.count)
            let largest = Double(components.map(\.area).max() ?? 0)
            for (index, component) in components.enumerated() where Double(component.area) < parameters.dust * largest {
                drop(index, .speck)
            }
            let candidates = components.indices.filter { alive[$0] && components[$0].fill < parameters.frameFill }
            for frame in candidates where encloses(frame) { drop(frame, .frame) }
        }

        /// How far digits' pixels grow into the faint ink around them.
        var growthRadius: Int { max(1, Int((parameters.growth * digitHeight).rounded())) }

        private mutating func drop(_ index: Int, _ reason: Segmentation.Reason) {
            alive[index] = false
            dropped.append(Segmentation.Dropped(box: components[index].box, reason: reason))
        }

        /// Whether a component's box strictly encloses another living component's of at
        /// least `framedHeight` of its height.
        private func encloses(_ frame: Int) -> Bool {
            let box = components[frame].box
            let minimum = parameters.framedHeight * Double(box.height)
            return components.indices.contains { other in
                other != frame && alive[other] && box.strictlyEncloses(components[other].box)
                    && Double(components[other].box.height) >= minimum
            }
        }

        /// Drops borders, then measures the row, then drops underlines.
        mutating func dropLines() {
            let living = components.indices.filter { alive[$0] }
            let upright = living.filter { !components[$0].isVerticalBar }.map { components[$0].box.height }
            let bars = living.filter { components[$0].isVerticalBar }.map { components[$0].box.height }
            // Borders are taller than the digits: the other components' median height, or
            // when every component is a vertical bar (a row of 1s), the shortest.
            let reference = upright.isEmpty ? Double(bars.min() ?? 0) : Self.quantile(upright, 0.5)
            for index in living where components[index].isVerticalBar {
                let height = Double(components[index].box.height)
                if height >= parameters.borderSpan * Double(imageHeight), height >= parameters.borderHeight * reference {
                    drop(index, .border)
                }
            }
            measure()
            let remaining = components.indices.filter { alive[$0] }
            let upstanding = remaining.filter { !components[$0].isHorizontalBar }
            for index in remaining {
                let box = components[index].box
                guard components[index].isHorizontalBar else { continue }
                // Only lines: none of them is a digit.
                if upstanding.isEmpty {
                    drop(index, .underline)
                    continue
                }
                guard Double(box.height) <= parameters.underlineHeight * digitHeight else { continue }
                let width = Double(box.width)
                // The upright components it spans: a rule lies under (or over) all of them.
                let spanned = upstanding.filter { components[$0].box.horizontalOverlap(box) > 0 }
                // A line under a single digit underlines when it lies below the ink it spans
                // and reaches past it on both sides (the detached top bar of a 5 or 7 lies
                // above the rest of its digit, the base of a broken 2 ends with it).
                let under = spanned.allSatisfy { other in
                    let above = components[other].box
                    return above.maxY < box.minY && above.minX > box.minX && above.maxX < box.maxX
                }
                let beside = spanned.allSatisfy { components[$0].box.maxY < box.minY }
                    || spanned.allSatisfy { components[$0].box.minY > box.maxY }
                if (spanned.count >= 2 && beside)
                    || width >= parameters.underlineWidth * max(digitWidth, 0.5 * digitHeight)
                    || (under && width >= parameters.shortUnderlineWidth * digitWidth)
                {
                    drop(index, .underline)
                }
            }
        }

        /// The row's scale, from its large components that are not horizontal bars: the
        /// digit height H is their upper-quartile height, or three quarters of the height
        /// they span together if that is more (when most digits are broken, most pieces
        /// are shorter than a digit).
        private mutating func measure() {
            let living = components.indices.filter { alive[$0] && !components[$0].isHorizontalBar }
            let pool = living.isEmpty ? components.indices.filter { alive[$0] } : living
            measure(pool.map { components[$0].box }, areas: pool.map { components[$0].area })
            let reference = pool.filter { Double(components[$0].area) >= parameters.scaleArea * Double(pool.map { components[$0].area }.max() ?? 0) }
            if let first = reference.first {
                let span = reference.reduce(components[first].box) { $0.union(components[$1].box) }.height
                digitHeight = max(digitHeight, parameters.spanHeight * Double(span))
            }
        }

        /// Sets H, W and the digit area from the boxes of the large ones among some
        /// components or groups.
        private mutating func measure(_ boxes: [PixelBox], areas: [Int]) {
            let largest = Double(areas.max() ?? 0)
            let reference = boxes.indices.filter { Double(areas[$0]) >= parameters.scaleArea * largest }
            guard !reference.isEmpty else { return }
            // The upper quartile: pieces of broken digits are shorter than whole digits.
            digitHeight = max(1, Self.quantile(reference.map { boxes[$0].height }, 0.75))
            digitWidth = max(1, Self.quantile(reference.map { boxes[$0].width }, 0.5))
            digitArea = max(1, Self.quantile(reference.map { areas[$0] }, 0.5))
        }

        /// Measures the row again from its merged groups, whose heights are those of whole
        /// digits.
        mutating func remeasure(_ groups: [DigitSegmenter.Group]) {
            let width = digitWidth
            measure(groups.map(\.box), areas: groups.map(\.area))
            digitWidth = width
            let largest = Double(groups.map(\.area).max() ?? 0)
            let reference = groups.filter { Double($0.area) >= parameters.scaleArea * largest }
            if let first = reference.first {
                let span = reference.dropFirst().reduce(first.box) { $0.union($1.box) }.height
                digitHeight = max(digitHeight, parameters.spanHeight * Double(span))
            }
        }

        /// The living components, each its own group, left to right.
        func singleComponents() -> [DigitSegmenter.Group] {
            components.indices.filter { alive[$0] }.map {
                DigitSegmenter.Group(
                    members: [$0], box: components[$0].box, area: components[$0].area, widestMember: components[$0].box.width)
            }
        }

        /// `groups` with the pieces of one digit (a broken stroke, the detached top bar of
        /// a 5) merged into one group, left to right.
        func mergedPieces(_ groups: [DigitSegmenter.Group], labels: [Int32], imageWidth: Int) -> [DigitSegmenter.Group] {
            var groups = groups
            // The group of each component, by the index of its first member.
            var owner = [Int](repeating: -1, count: components.count)
            for group in groups {
                for member in group.members { owner[member] = group.members[0] }
            }
            let reach = Int((parameters.pieceGap * digitHeight).rounded(.up)) + 1
            var merged = true
            while merged {
                merged = false
                groups.sort { ($0.box.minX, $0.box.minY) < ($1.box.minX, $1.box.minY) }
                var index = 0
                while index < groups.count {
                    var other = index + 1
                    // Sorted by left edge: once one starts further right of this one than a
                    // top bar may be, none further is a piece of it.
                    while other < groups.count, groups[other].box.minX <= groups[index].box.maxX + reach {
                        if arePieces(groups[index], groups[other], owner: owner, labels: labels, imageWidth: imageWidth) {
                            let id = groups[index].members[0]
                            for member in groups[other].members { owner[member] = id }
                            groups[index].members += groups[other].members
                            groups[index].box = groups[index].box.union(groups[other].box)
                            groups[index].area += groups[other].area
                            groups[index].widestMember = max(groups[index].widestMember, groups[other].widestMember)
                            groups.remove(at: other)
                            merged = true
                        } else {
                            other += 1
                        }
                    }
                    index += 1
                }
            }
            for index in groups.indices { groups[index].members.sort() }
            return groups
        }

        /// Whether two groups hold pieces of one digit: the shorter is under `pieceHeight`
        /// of H (two whole digits side by side are not pieces), they overlap in x by
        /// `pieceOverlap` of the narrower one's width (or lie one above the other, or one
        /// is the detached top bar of a 5 beside the other), their union is at most
        /// `mergedHeight` H tall, and their nearest pixels are at most `pieceGap` H apart,
        /// or `dotGap` H when the smaller is speck-sized (under `dotArea` of a digit's
        /// area), so that dust near a digit stays apart.
        func arePieces(
            _ first: DigitSegmenter.Group, _ second: DigitSegmenter.Group, owner: [Int], labels: [Int32], imageWidth: Int
        ) -> Bool {
            let shorter = Double(min(first.box.height, second.box.height))
            let narrower = Double(min(first.box.width, second.box.width))
            let overlapping = Double(first.box.horizontalOverlap(second.box)) >= parameters.pieceOverlap * narrower
            guard shorter < parameters.pieceHeight * digitHeight,
                overlapping || isStacked(first.box, second.box) || isTopBar(first.box, of: second.box)
                    || isTopBar(second.box, of: first.box),
                Double(first.box.union(second.box).height) <= parameters.mergedHeight * digitHeight
            else { return false }
            let smaller = Double(min(first.area, second.area))
            let gap = (smaller < parameters.dotArea * digitArea ? parameters.dotGap : parameters.pieceGap) * digitHeight
            return Self.within(
                Int(gap.rounded()) + 1, first.members[0], first.box, second.members[0], second.box, owner: owner, labels: labels,
                imageWidth: imageWidth)
        }

        /// Whether two boxes lie one above the other (sharing at most a quarter of the
        /// shorter one's rows), at most `pieceGap` H apart sideways, together at most H
        /// wide: the two ends of a slanted stroke broken across.
        func isStacked(_ first: PixelBox, _ second: PixelBox) -> Bool {
            let union = first.union(second)
            let sideways = union.width - first.width - second.width
            return 4 * first.verticalOverlap(second) <= min(first.height, second.height)
                && Double(sideways) <= parameters.pieceGap * digitHeight && Double(union.width) <= digitHeight
        }

        /// Whether `bar` looks like the detached top bar of a 5 beside `body`: flat (twice as
        /// wide as tall, under `underlineHeight` H), level with the body's top quarter,
        /// starting right of the body's left edge, and at most `pieceGap` H right of it.
        func isTopBar(_ bar: PixelBox, of body: PixelBox) -> Bool {
            bar.width >= 2 * bar.height && Double(bar.height) < parameters.underlineHeight * digitHeight
                && bar.minX > body.minX && 4 * (bar.minY - body.minY) <= body.height
                && Double(bar.minX - body.maxX - 1) <= parameters.pieceGap * digitHeight
        }

        /// Whether some pixel of the group `first` (the components whose owner is `first`)
        /// lies within Chebyshev distance `reach` of some pixel of the group `second`.
        ///
        /// - Complexity: O(area of the boxes' overlap, grown by `reach`), by a table of
        ///   sums of `first`'s pixels.
        static func within(
            _ reach: Int, _ first: Int, _ firstBox: PixelBox, _ second: Int, _ secondBox: PixelBox, owner: [Int],
            labels: [Int32], imageWidth: Int
        ) -> Bool {
            func owned(_ x: Int, _ y: Int, by group: Int) -> Bool {
                let label = Int(labels[y * imageWidth + x])
                return label > 0 && owner[label - 1] == group
            }
            // The part of `second` near `first`'s box, and the part of `first` near that.
            let near = PixelBox(
                minX: max(secondBox.minX, firstBox.minX - reach), minY: max(secondBox.minY, firstBox.minY - reach),
                maxX: min(secondBox.maxX, firstBox.maxX + reach), maxY: min(secondBox.maxY, firstBox.maxY + reach))
            guard near.minX <= near.maxX, near.minY <= near.maxY else { return false }
            let area = PixelBox(
                minX: max(firstBox.minX, near.minX - reach), minY: max(firstBox.minY, near.minY - reach),
                maxX: min(firstBox.maxX, near.maxX + reach), maxY: min(firstBox.maxY, near.maxY + reach))
            guard area.minX <= area.maxX, area.minY <= area.maxY else { return false }
            // sums[(y + 1) * (w + 1) + x + 1]: `first`'s pixels in area's columns ≤ x and rows ≤ y.
            let stride = area.width + 1
            var sums = [Int](repeating: 0, count: stride * (area.height + 1))
            for y in 0..<area.height {
                var row = 0
                for x in 0..<area.width {
                    if owned(area.minX + x, area.minY + y, by: first) { row += 1 }
                    sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row
                }
            }
            for y in near.minY...near.maxY {
                for x in near.minX...near.maxX where owned(x, y, by: second) {
                    let low = (x: max(area.minX, x - reach) - area.minX, y: max(area.minY, y - reach) - area.minY)
                    let high = (x: min(area.maxX, x + reach) - area.minX + 1, y: min(area.maxY, y + reach) - area.minY + 1)
                    guard low.x < high.x, low.y < high.y else { continue }
                    let count = sums[high.y * stride + high.x] - sums[low.y * stride + high.x] - sums[high.y * stride + low.x]
                        + sums[low.y * stride + low.x]
                    if count > 0 { return true }
                }
            }
            return false
        }

        /// Drops groups too small to be a digit, and thin horizontal bars that did not
        /// join a digit.
        mutating func dropSpecks(_ groups: inout [Group]) {
            groups.removeAll { group in
                let height = Double(group.box.height)
                let reason: Segmentation.Reason
                if height < parameters.speckHeight * digitHeight, Double(group.box.width) < parameters.speckWidth * digitHeight {
                    reason = .speck
                } else if group.box.width >= 4 * group.box.height, height <= parameters.underlineHeight * digitHeight {
                    reason = .underline
                } else {
                    return false
                }
                for member in group.members { drop(member, reason) }
                return true
            }
        }

        /// The value at quantile `q` (0…1) of `values`, by the nearest rank below.
        static func quantile(_ values: [Int], _ q: Double) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((q * Double(sorted.count - 1)).rounded(.down))
            return Double(sorted[min(max(0, rank), sorted.count - 1)])
        }
    }
}
