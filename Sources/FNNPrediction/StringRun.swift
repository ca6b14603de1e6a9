/// One `--segment` run over a collection of images: reads them a chunk at a time, hands
/// each chunk's results over in order as soon as they are made, and counts them for the
/// report, holding one chunk's results at a time (as `PredictionRun` does for digits).
package struct StringRun: Sendable {
    package let predictor: StringPredictor
    /// The true digits, from a CSV of `path,digits` rows, if given.
    package let labels: LabelSource?
    package let chunkSize: Int

    package init(predictor: StringPredictor, labels: LabelSource?, chunkSize: Int = PredictionRun.defaultChunkSize) {
        self.predictor = predictor
        self.labels = labels
        self.chunkSize = max(1, chunkSize)
    }

    /// Reads `entries` in their order.
    ///
    /// - Parameters:
    ///   - tally: counts to start from (those of rows an earlier run wrote, when resuming).
    ///   - body: called with each chunk's results, in order, and the number of entries
    ///     done so far; an error it throws ends the run.
    /// - Returns: the counts for the report.
    package func run<Failure: Error>(
        _ entries: [ImageCollection.Entry], startingFrom tally: StringTally? = nil,
        _ body: (_ results: [StringResult], _ done: Int) throws(Failure) -> Void
    ) throws(Failure) -> StringTally {
        var tally = tally ?? StringTally()
        var start = 0
        while start < entries.count {
            let end = min(start + chunkSize, entries.count)
            let results = predictor.predict(Array(entries[start..<end]))
            for result in results { tally.count(result, labels: labels) }
            try body(results, end)
            start = end
        }
        return tally
    }
}
