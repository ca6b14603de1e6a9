/// The 8-connected components of an ink image's pixels at or above a threshold: each
/// pixel's component, and each component's box and size.
struct InkComponents: Sendable {
    /// One connected piece of ink.
    struct Component: Sendable, Equatable {
        var box: PixelBox
        /// Pixels at or above the threshold.
        var area: Int
        /// Whether its box is much wider than tall (a rule, a dash).
        var isHorizontalBar: Bool { box.width >= 4 * box.height }
        /// Whether its box is much taller than wide (a ruled line, or a `1`).
        var isVerticalBar: Bool { box.height >= 6 * box.width }
        /// The share of its box that is ink: low for a frame, high for a blot.
        var fill: Double { Double(area) / Double(box.area) }
    }

    /// Row-major: 0 for pixels below the threshold, else 1 + the index of the pixel's
    /// component in `components`.
    var labels: [Int32]
    var components: [Component]

    /// Labels the pixels of `ink` at or above `threshold`, in scan order (top to bottom,
    /// left to right), so the same image always gets the same labels.
    ///
    /// - Precondition: the image has fewer than 2³¹ pixels.
    /// - Complexity: O(pixels), with a stack of at most the largest component's pixels.
    init(_ ink: InkImage, threshold: Int) {
        let width = ink.width
        let height = ink.height
        var labels = [Int32](repeating: 0, count: ink.values.count)
        var components: [Component] = []
        var stack: [Int] = []
        let level = UInt8(clamping: max(1, threshold))
        for start in ink.values.indices where ink.values[start] >= level && labels[start] == 0 {
            let label = Int32(components.count + 1)
            var component = Component(box: PixelBox(x: start % width, y: start / width), area: 0)
            labels[start] = label
            stack.append(start)
            while let index = stack.popLast() {
                let x = index % width
                let y = index / width
                component.area += 1
                component.box.include(x: x, y: y)
                for neighbourY in max(0, y - 1)...min(height - 1, y + 1) {
                    for neighbourX in max(0, x - 1)...min(width - 1, x + 1) {
                        let neighbour = neighbourY * width + neighbourX
                        if labels[neighbour] == 0, ink.values[neighbour] >= level {
                            labels[neighbour] = label
                            stack.append(neighbour)
                        }
                    }
                }
            }
            components.append(component)
        }
        self.labels = labels
        self.components = components
    }
}
