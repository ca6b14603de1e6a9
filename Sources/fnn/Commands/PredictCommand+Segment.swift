import ArgumentParser
import FNNKit
import Foundation

extension PredictCommand {
    /// `fnn predict --segment`: reads each image as a row of digits, writing one row per
    /// image (`StringRun`, `PredictionFormat.line(_:)` for `StringResult`), then the report
    /// when --labels gives the true digits.
    func readRows(_ collected: [ImageCollection.Entry], model: Model, labelFile: LabelSource?) throws {
        let run = StringRun(
            predictor: StringPredictor(predictor: BatchPredictor(model: model, limits: images.limits, threads: images.threadCount)),
            labels: labelFile, chunkSize: chunkSize)
        var earlier = StringTally()
        var entries = collected
        let (rows, header) = try openRows(header: format.stringHeader, entries: &entries) { (row) throws(ResultRowError) in
            if row.error == nil, !row.isDigitString {
                throw ResultRowError("the row is not one of fnn predict --segment: the file was written without --segment")
            }
            earlier.count(row, labels: labelFile)
        }
        let normalized = saveNormalized.map(NormalizedImageFolder.init)
        let live = standardErrorIsTerminal && entries.count >= 2000
        let bar = ProgressBar()
        let started = ContinuousClock.now
        var sheet: [ContactSheetPicture.Item] = []

        if let header { try rows.write(header + "\n") }
        let tally = try run.run(entries, startingFrom: earlier) { (batch, done) throws(FileAccessError) in
            var text = ""
            for result in batch {
                text += format.line(result) + "\n"
                if case .failure(let error) = result.outcome {
                    printError("\(result.location.escaped): \(BytePath.escape(error.message))")
                }
            }
            try rows.write(text)
            try normalized?.save(batch)
            if contactSheet != nil {
                for result in batch {
                    guard case .success(let reading) = result.outcome else { continue }
                    // A digit is known right or wrong when the true string has as many digits.
                    let truth = labelFile?.label(of: result.path).map { Array($0) }
                    for (index, segment) in reading.segments.enumerated() where sheet.count < ContactSheetPicture.maximumItems {
                        let prediction = segment.prediction
                        let wrong = truth.flatMap { $0.count == reading.segments.count ? String($0[index]) != prediction.label : nil }
                        sheet.append(ContactSheetPicture.Item(
                            pixels: prediction.normalized, prediction: prediction.label, confidence: prediction.confidence, wrong: wrong))
                    }
                }
            }
            if live {
                let elapsed = ContinuousClock.now - started
                bar.draw(String(
                    format: "%@ %d/%d images, %.0f/s", bar.bar(Double(done) / Double(entries.count)), done,
                    entries.count, Double(done) / max(elapsed.seconds, 1e-9)))
            }
        }
        if live { bar.clear() }
        try rows.finish()
        if labelFile != nil {
            if let text = tally.report {
                if let report {
                    try AtomicFile.write(Array((text + "\n").utf8), to: report, overwrite: force)
                } else {
                    printError(text)
                }
            } else {
                printError("no labelled images to report on")
            }
        }
        if let contactSheet {
            try writePicture(to: contactSheet, force: force) { try ContactSheetPicture.render(sheet) }
        }
        if tally.failed > 0 { throw ExitCode(2) }
    }
}
