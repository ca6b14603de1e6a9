import FNNSupport

/// The rows of several results files taken together (`fnn report`): shards' outputs of
/// `fnn predict` in CSV or JSON Lines, or results logs of `fnn watch`. An input that
/// appears in more than one file is counted once, from its first row.
package struct MergedResults: Sendable {
    /// The model's labels, by class index: every row must predict one of them.
    package let names: [String]
    package private(set) var rows: [ResultRow] = []
    /// Rows left out because an earlier row had the same path.
    package private(set) var duplicates = 0
    private var seen = Set<BytePath>()

    package init(names: [String]) {
        self.names = names
    }

    /// Adds the whole rows of the results file at `path` (a torn last line is left out).
    /// - Throws: `ResultRowError` at the first line that is not a row, or whose row
    ///   predicts a label the model does not have.
    package mutating func add(file path: String) throws(ResultRowError) {
        let check = PredictionTally(names: names)
        try ResultRow.read(path) { (row) throws(ResultRowError) in
            if row.isDigitString {
                throw ResultRowError(
                    "this is a row of fnn predict --segment (a string of digits); fnn report merges the rows of single-digit runs only (fnn predict --segment --labels prints its own report)")
            }
            _ = try check.classIndex(of: row)
            guard seen.insert(row.location).inserted else {
                duplicates += 1
                return
            }
            rows.append(row)
        }
    }

    /// The counts for the report, with true labels from `labelFile` or, when every row's
    /// path sits in a folder named after one of the model's labels, from folder names (as
    /// `fnn predict` does).
    package func tally(labelFile: LabelSource?) -> PredictionTally {
        let labels = TrueLabels(file: labelFile, names: names, paths: rows.lazy.map(\.location.lossy))
        var tally = PredictionTally(names: names)
        for row in rows {
            // Checked in add(file:): every prediction is one of the names.
            tally.count(predicted: (try? tally.classIndex(of: row)) ?? nil, actual: labels.classIndex(of: row.location.lossy))
        }
        return tally
    }
}
