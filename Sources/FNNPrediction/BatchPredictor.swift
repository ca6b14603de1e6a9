import Dispatch
import FNNImage
import FNNInference
import FNNModel
import FNNSupport

/// Classifies image files: reads, decodes and normalises them on all cores, then runs the
/// network on batches. Results come back in the order of the entries, whatever the
/// parallelism.
package struct BatchPredictor: Sendable {
    package let model: Model
    package let decoder: PNGDecoder
    package let threads: Int
    let classifier: Classifier
    private let normalizer = DigitNormalizer()

    package init(model: Model, limits: PNGLimits = .standard, threads: Int) {
        self.model = model
        self.decoder = PNGDecoder(limits: limits)
        self.threads = max(1, threads)
        self.classifier = Classifier(model)
    }

    /// The 28 × 28 digit of one file, or why there is none.
    package func digit(at path: String) -> Result<[UInt8], ImageError> {
        do {
            let image = try decoder.read(path)
            return .success(try normalizer.normalize(image))
        } catch {
            return .failure(error)
        }
    }

    /// The 28 × 28 digit of one entry, or why there is none. The file is opened by its
    /// bytes, without following a final symbolic link unless the entry allows it, and
    /// only if it is a regular file (`FileBytes`).
    package func digit(of entry: ImageCollection.Entry) -> Result<[UInt8], ImageError> {
        image(of: entry).flatMap { image in Result { () throws(ImageError) in try normalizer.normalize(image) } }
    }

    /// The decoded image of one entry, or why there is none; opened as `digit(of:)` says.
    package func image(of entry: ImageCollection.Entry) -> Result<GrayImage, ImageError> {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(entry.location, limit: decoder.limits.maximumFileSize, followLinks: entry.followLinks)
        } catch {
            return .failure(error.code == .tooLarge
                ? ImageError(.tooLarge, "too large: \(error.message) (--max-file-size)") : ImageError(.unreadable, error.message))
        }
        return Result { () throws(ImageError) in try decoder.decode(bytes) }
    }

    /// Classifies `entries`, in their order.
    package func predict(_ entries: [ImageCollection.Entry]) -> [PredictionResult] {
        let outcomes = classify(decodeInParallel(entries))
        return zip(entries, outcomes).map { entry, outcome in
            PredictionResult(path: entry.path, relativePath: entry.relativePath, outcome: outcome, location: entry.location)
        }
    }

    /// Classifies PNG files held in memory (an HTTP request's bodies), in their order.
    package func predict(pngs: [[UInt8]]) -> [Result<PredictionResult.Prediction, ImageError>] {
        classify(inParallel(pngs.count) { index in
            Result { () throws(ImageError) in try normalizer.normalize(try decoder.decode(pngs[index])) }
        })
    }

    /// The predictions for normalised digits (failures passed through), from one batched
    /// forward pass over the good ones.
    func classify(_ digits: [Result<[UInt8], ImageError>]) -> [Result<PredictionResult.Prediction, ImageError>] {
        let good = digits.indices.filter { if case .success = digits[$0] { true } else { false } }
        var pixels = [UInt8]()
        pixels.reserveCapacity(good.count * 784)
        for index in good {
            if case .success(let digit) = digits[index] { pixels += digit }
        }
        let probabilities = classifier.probabilities(pixels: pixels, count: good.count, threads: threads)
        var outcomes = digits.map { digit -> Result<PredictionResult.Prediction, ImageError> in
            switch digit {
            case .failure(let error): .failure(error)
            case .success: .failure(ImageError(.unreadable, ""))
            }
        }
        for (position, index) in good.enumerated() {
            let row = probabilities[position]
            guard row.allSatisfy(\.isFinite) else {
                outcomes[index] = .failure(
                    ImageError(.nonFiniteOutput, "the model's outputs for this image are not finite numbers (its weights overflow)"))
                continue
            }
            var best = 0
            for column in row.indices where row[column] > row[best] { best = column }
            outcomes[index] = .success(
                PredictionResult.Prediction(
                    classIndex: best, label: model.metadata.label(best), confidence: row[best], probabilities: row,
                    normalized: Array(pixels[(position * 784)..<((position + 1) * 784)])))
        }
        return outcomes
    }

    /// Reads, decodes and normalises files on `threads` threads.
    func decodeInParallel(_ paths: [ImageCollection.Entry]) -> [Result<[UInt8], ImageError>] {
        inParallel(paths.count) { digit(of: paths[$0]) }
    }

    /// `work(0..<count)` on `threads` threads, in order.
    func inParallel<T: Sendable>(_ count: Int, _ work: @Sendable (Int) -> Result<T, ImageError>) -> [Result<T, ImageError>] {
        var results = [Result<T, ImageError>](repeating: .failure(ImageError(.unreadable, "")), count: count)
        let workers = min(threads, max(1, count))
        if workers == 1 {
            for index in 0..<count { results[index] = work(index) }
            return results
        }
        results.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only the slots of its own indices.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var index = worker
                while index < count {
                    slots[index] = work(index)
                    index += workers
                }
            }
        }
        return results
    }
}
