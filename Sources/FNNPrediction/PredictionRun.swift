import FNNModel

/// One prediction run over a collection of images: classifies them a chunk at a time,
/// hands each chunk's results over in order as soon as they are made, and counts them for
/// the report. Only one chunk's results are held at a time, so memory does not grow with
/// the number of images.
package struct PredictionRun: Sendable {
    package let predictor: BatchPredictor
    package let labels: TrueLabels
    /// How many images are classified together (decoded on all cores, then one batched
    /// forward pass).
    package let chunkSize: Int

    package static let defaultChunkSize = 4096

    /// - Parameters:
    ///   - predictor: reads, normalises and classifies images.
    ///   - labels: the true labels, for the tally.
    ///   - chunkSize: images per chunk (at least 1).
    package init(predictor: BatchPredictor, labels: TrueLabels, chunkSize: Int = PredictionRun.defaultChunkSize) {
        self.predictor = predictor
        self.labels = labels
        self.chunkSize = max(1, chunkSize)
    }

    /// Classifies `entries` in their order.
    ///
    /// - Parameters:
    ///   - tally: counts to start from (those of rows an earlier run wrote, when resuming).
    ///   - body: called with each chunk's results, in order, and the number of entries
    ///     done so far; an error it throws ends the run.
    /// - Returns: the counts for the report.
    package func run<Failure: Error>(
        _ entries: [ImageCollection.Entry], startingFrom tally: PredictionTally? = nil,
        _ body: (_ results: [PredictionResult], _ done: Int) throws(Failure) -> Void
    ) throws(Failure) -> PredictionTally {
        var tally = tally ?? PredictionTally(names: labels.names)
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
