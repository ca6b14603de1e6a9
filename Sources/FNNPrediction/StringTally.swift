import FNNSupport

/// The counts a `--segment` run's report is made of: rows read, rows that failed, and, for
/// rows whose true digits are known, how many were read exactly and how many digits were
/// wrong. Like `PredictionTally` it holds counts, never rows.
package struct StringTally: Sendable, Equatable {
    /// Images read.
    package private(set) var read = 0
    /// Images that could not be read.
    package private(set) var failed = 0
    /// Images read whose true digits are not known.
    package private(set) var unlabelled = 0
    /// Images read whose true digits are known.
    package private(set) var labelled = 0
    /// Labelled images read exactly.
    package private(set) var exact = 0
    /// Digits substituted, missing or extra (the edit distance), over the labelled images.
    package private(set) var edits = 0
    /// The true digits of the labelled images.
    package private(set) var trueDigits = 0

    package init() {}

    /// Counts one image.
    /// - Parameters:
    ///   - digits: what was read, or nil when the image could not be read.
    ///   - truth: the true digits, when known.
    package mutating func count(read digits: String?, truth: String?) {
        guard let digits else {
            failed += 1
            return
        }
        read += 1
        guard let truth else {
            unlabelled += 1
            return
        }
        labelled += 1
        if digits == truth { exact += 1 }
        edits += Self.editDistance(Array(digits.unicodeScalars), Array(truth.unicodeScalars))
        trueDigits += truth.unicodeScalars.count
    }

    /// Counts one result, with its true digits from `labels`.
    package mutating func count(_ result: StringResult, labels: LabelSource?) {
        count(read: try? result.outcome.get().digits, truth: labels?.label(of: result.path))
    }

    /// Counts one row read back from a results file (`--resume`).
    package mutating func count(_ row: ResultRow, labels: LabelSource?) {
        count(read: row.prediction, truth: labels?.label(of: row.location.lossy))
    }

    /// The share of labelled images read exactly.
    package var exactRate: Double { labelled == 0 ? 0 : Double(exact) / Double(labelled) }
    /// Edits per true digit.
    package var digitErrorRate: Double { trueDigits == 0 ? 0 : Double(edits) / Double(trueDigits) }

    /// The report for people; nil when no image read was labelled.
    package var report: String? {
        guard labelled > 0 else { return nil }
        var lines = [
            "strings read exactly: \(Self.percent(exactRate)) (\(exact) of \(labelled))",
            "digit error rate: \(Self.percent(digitErrorRate)) (\(edits) digits substituted, missing or extra, in \(trueDigits) true digits)",
        ]
        if failed > 0 { lines.append("\(failed) images could not be read and are not counted") }
        if unlabelled > 0 { lines.append("\(unlabelled) images have no known digits and are not counted") }
        return lines.joined(separator: "\n")
    }

    static func percent(_ value: Double) -> String {
        let hundredths = Int((value * 10_000).rounded())
        let fraction = String(hundredths % 100)
        return "\(hundredths / 100).\(fraction.count < 2 ? "0" + fraction : fraction)%"
    }

    /// The Levenshtein distance: the fewest insertions, deletions and substitutions that
    /// turn one sequence into the other.
    ///
    /// - Complexity: O(first.count × second.count).
    package static func editDistance<Element: Equatable>(_ first: [Element], _ second: [Element]) -> Int {
        var previous = Array(0...second.count)
        for (row, element) in first.enumerated() {
            var current = [row + 1] + Array(repeating: 0, count: second.count)
            for (column, other) in second.enumerated() {
                current[column + 1] = min(previous[column + 1] + 1, current[column] + 1, previous[column] + (element == other ? 0 : 1))
            }
            previous = current
        }
        return previous[second.count]
    }
}
