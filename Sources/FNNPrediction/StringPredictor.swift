import FNNImage
import FNNInference
import FNNSupport
import Foundation

/// Reads rows of digits: decodes each image, splits it into digits (`DigitSegmenter`),
/// normalises every digit exactly as a single-digit image is (`DigitNormalizer`), and
/// classifies all the digits of a chunk of images in one batched forward pass. Results
/// come back in the order of the images, whatever the parallelism.
package struct StringPredictor: Sendable {
    package let predictor: BatchPredictor
    package let segmenter: DigitSegmenter
    private let normalizer = DigitNormalizer()

    /// One digit cut out of a row and normalised.
    package struct CutDigit: Sendable, Equatable {
        package var box: PixelBox
        package var touching: Bool
        /// The 28 × 28 digit the network sees.
        package var normalized: [UInt8]
    }

    package init(predictor: BatchPredictor, segmenter: DigitSegmenter = DigitSegmenter()) {
        self.predictor = predictor
        self.segmenter = segmenter
    }

    /// The digits of one image, left to right, normalised; or why there are none.
    package func digits(of image: GrayImage) -> Result<[CutDigit], ImageError> {
        Result { () throws(ImageError) in
            try segmenter.segment(image, judge: judge).digits.map { (digit) throws(ImageError) in
                CutDigit(box: digit.box, touching: digit.touching, normalized: try normalizer.normalize(digit.ink))
            }
        }
    }

    /// How well the network reads some pieces of ink, each as one digit, normalised as
    /// every digit is: the sum of −log(its top probability), so that a cut into digits the
    /// network is sure of costs little (`DigitSegmenter.Judge`). Nil when a piece has no
    /// ink or the outputs are not finite.
    package func judge(_ pieces: [InkImage]) -> Double? {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(pieces.count * 784)
        for piece in pieces {
            guard let digit = try? normalizer.normalize(piece) else { return nil }
            pixels += digit
        }
        var cost = 0.0
        for row in predictor.classifier.probabilities(pixels: pixels, count: pieces.count, threads: 1) {
            guard let top = row.max(), top.isFinite, top > 0 else { return nil }
            cost -= log(top)
        }
        return cost
    }

    /// Reads `entries`, in their order.
    package func predict(_ entries: [ImageCollection.Entry]) -> [StringResult] {
        let cut = predictor.inParallel(entries.count) { index in
            predictor.image(of: entries[index]).flatMap(digits(of:))
        }
        return zip(entries, read(cut)).map { entry, outcome in
            StringResult(path: entry.path, relativePath: entry.relativePath, outcome: outcome, location: entry.location)
        }
    }

    /// Reads images held in memory, in their order.
    package func read(images: [GrayImage]) -> [Result<StringResult.Reading, ImageError>] {
        read(predictor.inParallel(images.count) { digits(of: images[$0]) })
    }

    /// The readings of cut rows (failures passed through), from one batched forward pass
    /// over all their digits. A row any of whose digits cannot be classified fails with
    /// that digit's error.
    func read(_ rows: [Result<[CutDigit], ImageError>]) -> [Result<StringResult.Reading, ImageError>] {
        var flat: [Result<[UInt8], ImageError>] = []
        for case .success(let digits) in rows { flat += digits.map { .success($0.normalized) } }
        var predictions = predictor.classify(flat).makeIterator()
        return rows.map { row in
            row.flatMap { digits in
                var segments: [StringResult.Segment] = []
                var failure: ImageError?
                for digit in digits {
                    switch predictions.next() {
                    case .success(let prediction)?:
                        segments.append(StringResult.Segment(box: digit.box, touching: digit.touching, prediction: prediction))
                    case .failure(let error)?:
                        failure = failure ?? error
                    case nil:
                        failure = failure ?? ImageError(.unreadable, "internal: a digit went unclassified")
                    }
                }
                if let failure { return .failure(failure) }
                return .success(StringResult.Reading(segments: segments))
            }
        }
    }
}
