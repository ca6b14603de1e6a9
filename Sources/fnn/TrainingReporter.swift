import FNNKit
import Foundation

/// Shows training progress: a live bar on a terminal, else one line per epoch.
final class TrainingReporter {
    private let live: Bool
    private let bar = ProgressBar()
    private var epochStart = ContinuousClock.now
    private var epochs = 0
    private var lastDraw = ContinuousClock.now

    init(live: Bool, batchSize: Int) {
        self.live = live
    }

    func report(_ event: TrainingEvent) {
        switch event {
        case .epochStarted(_, let of, _):
            epochs = of
            epochStart = .now
        case .progress(let epoch, let done, let total, let cost):
            // At most ten redraws a second.
            guard live, ContinuousClock.now - lastDraw >= .milliseconds(100) || done == total else { return }
            lastDraw = .now
            let elapsed = (ContinuousClock.now - epochStart).seconds
            let rate = Double(done) / max(elapsed, 1e-9)
            let remaining = Double(total - done) / max(rate, 1e-9)
            bar.draw(
                String(
                    format: "epoch %d/%d %@ %3.0f%%  %.0f img/s  ETA %@  cost %.4f", epoch, epochs,
                    bar.bar(Double(done) / Double(total)), 100 * Double(done) / Double(total), rate,
                    formatDuration(remaining), cost))
        case .epochFinished(let record):
            if live { bar.clear() }
            let validation = record.validationAccuracy.isNaN ? "—" : String(format: "%.2f%%", record.validationAccuracy * 100)
            printError(
                String(
                    format: "epoch %d/%d: cost %.4f, train %.2f%%, validation %@, rate %.4g, %@", record.epoch, epochs,
                    record.trainingCost, record.trainingAccuracy * 100, validation, record.learningRate,
                    formatDuration(record.seconds)))
        case .stoppedEarly(let bestEpoch):
            printError("early stop: validation accuracy has not improved since epoch \(bestEpoch); keeping its weights")
        }
    }
}
