extension InkImage {
    /// Otsu's threshold of the ink strengths: the level that best splits the pixels into
    /// two classes, paper and ink, by maximising the variance between the classes' means
    /// (N. Otsu, "A threshold selection method from gray-level histograms", 1979). Pixels
    /// above the returned level are the ink class.
    ///
    /// - Complexity: O(pixels + 256).
    package var otsuLevel: Int {
        var histogram = [Int](repeating: 0, count: 256)
        for value in values { histogram[Int(value)] += 1 }
        let total = Double(values.count)
        var weightedSum = 0.0
        for (level, count) in histogram.enumerated() { weightedSum += Double(level * count) }
        var below = 0.0
        var belowSum = 0.0
        var best = 0
        var bestVariance = -1.0
        for level in 0..<255 {
            below += Double(histogram[level])
            belowSum += Double(level * histogram[level])
            let above = total - below
            guard below > 0, above > 0 else { continue }
            let meanBelow = belowSum / below
            let meanAbove = (weightedSum - belowSum) / above
            let variance = below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if variance > bestVariance {
                bestVariance = variance
                best = level
            }
        }
        return best
    }
}
