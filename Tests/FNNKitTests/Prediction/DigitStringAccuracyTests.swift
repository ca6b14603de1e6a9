import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// How well `fnn predict --segment` reads synthetic rows of MNIST digits, kind by kind.
///
/// The rows are made from MNIST's *test* digits; the segmenter's constants were tuned on
/// rows made from its *training* digits (`FNN_STRINGS_FROM=train` prints those figures
/// instead, and skips the assertions). Each figure is printed beside the ceiling the
/// classifier sets: the same digits, as the row has them (scaled, broken, noisy), read
/// one per image by `fnn predict` without `--segment`.
@Suite struct DigitStringAccuracyTests {
    static let source = ProcessInfo.processInfo.environment["FNN_STRINGS_FROM"] == "train" ? "train" : "t10k"

    struct Figures {
        var read = StringScore()
        var ceiling = StringScore()
        var touchingSegments = 0
        /// Exact strings by length: 1–4, 5–8 and 9–12 digits.
        var byLength = [StringScore](repeating: StringScore(), count: 3)
    }

    static func measure(_ kinds: [DigitStringKind], strings: Int) throws -> [DigitStringKind: Figures] {
        let (images, labels) = try MNISTDataset.files(in: Fixtures.mnist, prefix: source)
        let dataset = try MNISTDataset.load(images: images, labels: labels)
        let model = try BundledModel.load()
        let predictor = StringPredictor(predictor: BatchPredictor(model: model, threads: 2))
                let maker = DigitStringMaker(dataset: dataset)
        var figures: [DigitStringKind: Figures] = [:]
        for kind in kinds {
            var figure = Figures()
            var start = 0
            while start < strings {
                let rows = (start..<min(strings, start + 250)).map { maker.make(kind, seed: UInt64($0)) }
                let readings = predictor.read(images: rows.map(\.image))
                for (row, reading) in zip(rows, readings) {
                    let digits = try? reading.get()
                    figure.read.add(read: digits?.digits, truth: row.digits)
                    figure.byLength[min(2, (row.digits.count - 1) / 4)].add(read: digits?.digits, truth: row.digits)
                    figure.touchingSegments += digits?.segments.filter(\.touching).count ?? 0
                    let alone = predictor.predictor.predict(pngs: row.alone.compactMap { try? PNGCodec.encode($0) }).map {
                        (try? $0.get().label) ?? "?"
                    }
                    figure.ceiling.add(read: alone.joined(), truth: row.digits)
                }
                start += 250
            }
            figures[kind] = figure
            let lengths = zip(["1–4", "5–8", "9–12"], figure.byLength).filter { $1.strings > 0 }.map { "\($0) digits \(StringScore.percent($1.exactRate))" }
            print(
                "strings from MNIST \(source), \(kind): \(figure.read); each digit alone: \(figure.ceiling); exact by length: \(lengths.joined(separator: ", ")); cut as touching: \(figure.touchingSegments)")
        }
        return figures
    }

    /// The floors each kind must keep, measured on rows of test digits (seeds from 0): the
    /// exact-string share and the digit error rate. Separated rows carry issue 14's targets
    /// instead: see `checkSeparated`.
    struct Floor {
        var exact: Double
        var digitError: Double
    }

    /// Issue 14's targets on separated rows: at most 2 % digit error, and at least 95 % of
    /// strings exact. The second is not met with the bundled model: read one per image,
    /// the same digits give 92.9 % exact strings over 2,000 rows of 1–12 digits (a 1 %
    /// digit error compounds over 6.5 digits), so the rows cannot do better; it is kept as
    /// a known issue, which fails once it passes. What segmentation itself may lose is
    /// bounded instead: at most 1.5 points of exact strings below the digits read alone.
    static func checkSeparated(_ figure: Figures) {
        #expect(figure.read.digitErrorRate <= 0.02, "\(figure.read)")
        #expect(figure.read.exactRate >= figure.ceiling.exactRate - 0.015, "\(figure.read) against \(figure.ceiling)")
        withKnownIssue("the bundled model reads these digits one per image at 92.9 % exact strings: the ceiling") {
            #expect(figure.read.exactRate >= 0.95)
        }
    }

    static func check(_ figures: [DigitStringKind: Figures], floors: [DigitStringKind: Floor]) {
        for kind in DigitStringKind.allCases {
            guard let figure = figures[kind] else { continue }
            if kind == .separated {
                checkSeparated(figure)
                continue
            }
            guard let floor = floors[kind] else { continue }
            #expect(figure.read.exactRate >= floor.exact, "\(kind): \(figure.read)")
            #expect(figure.read.digitErrorRate <= floor.digitError, "\(kind): \(figure.read)")
        }
    }

    /// 100 rows of each kind. Measured (exact strings, digit error): separated 91 %, 1.7 %
    /// (each digit alone 92 %); baseline jitter 92 %, 1.2 %; scale jitter 90 %, 1.6 %; noise
    /// 90 %, 1.4 %; underline 95 %, 1.0 %; specks 88 %, 1.8 %; broken strokes 75 %, 5.5 %;
    /// boxed 93 %, 1.1 %; touching pairs 68 %, 11.7 %.
    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST"))
    func everyKindOfRowIsRead() throws {
        let figures = try Self.measure(DigitStringKind.allCases, strings: 100)
        guard Self.source == "t10k" else { return }
        let plain = Floor(exact: 0.86, digitError: 0.025)
        Self.check(figures, floors: [
            .baselineJitter: plain, .scaleJitter: plain, .noise: plain, .underline: plain, .specks: plain, .boxed: plain,
            .brokenStrokes: Floor(exact: 0.70, digitError: 0.07), .touching: Floor(exact: 0.62, digitError: 0.14),
        ])
    }

    /// 2,000 rows of each kind. Measured (exact strings, digit error; each digit alone):
    /// separated 92.0 %, 1.4 % (92.9 %, 1.2 %); baseline jitter 92.6 %, 1.3 %; scale jitter
    /// 89.5 %, 1.9 %; noise 91.8 %, 1.4 %; underline 92.3 %, 1.4 %; specks 90.2 %, 1.7 %;
    /// broken strokes 74.9 %, 5.5 % (80.6 %, 3.6 %); boxed 90.4 %, 1.7 %; touching pairs
    /// 62.3 %, 13.2 % (96.1 %, 1.0 %).
    @Test(.enabled(if: Fixtures.hasMNIST && Fixtures.slowTestsEnabled, "needs MNIST; set FNN_SLOW_TESTS to run"))
    func twoThousandRowsOfEachKind() throws {
        let figures = try Self.measure(DigitStringKind.allCases, strings: 2000)
        guard Self.source == "t10k" else { return }
        let plain = Floor(exact: 0.88, digitError: 0.022)
        Self.check(figures, floors: [
            .baselineJitter: plain, .scaleJitter: plain, .noise: plain, .underline: plain, .specks: plain, .boxed: plain,
            .brokenStrokes: Floor(exact: 0.73, digitError: 0.06), .touching: Floor(exact: 0.60, digitError: 0.14),
        ])
    }
}
