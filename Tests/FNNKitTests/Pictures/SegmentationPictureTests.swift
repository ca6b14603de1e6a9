import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The picture of what `--segment` found, and the one `formats/digit-normalization.md`
/// shows (`FNN_UPDATE_PICTURES=1 swift test --filter SegmentationPictureTests` redraws
/// `formats/segmentation-example.png` from the sample rows).
@Suite struct SegmentationPictureTests {
    static let example = Fixtures.root + "/formats/segmentation-example.png"
    static let names = ["underlined.png", "boxed.png", "broken-and-specks.png", "touching.png"]

    /// The sample rows, each with its boxes, readings and dropped ink.
    static func scans() throws -> [SegmentationPicture.Scan] {
        let predictor = StringPredictor(predictor: BatchPredictor(model: try BundledModel.load(), threads: 1))
        return try names.map { name in
            let image = try PNGDecoder().read(Fixtures.samples + "/strings/" + name)
            let found = try predictor.segmenter.segment(image, judge: predictor.judge)
            let reading = try predictor.read(images: [image])[0].get()
            #expect(reading.segments.map(\.box) == found.digits.map(\.box))
            let dropped = Dictionary(grouping: found.dropped, by: \.reason).sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.value.count) \($0.key.rawValue)\($0.value.count == 1 ? "" : "s")" }
            return SegmentationPicture.Scan(
                image: image,
                digits: reading.segments.map { .init(box: $0.box, touching: $0.touching, label: $0.prediction.label) },
                dropped: found.dropped,
                caption: "samples/strings/\(name): read \(reading.digits)" + (dropped.isEmpty ? "" : "; dropped " + dropped.joined(separator: ", ")))
        }
    }

    @Test func theExampleIsDrawnTheSameEveryTime() throws {
        let scans = try Self.scans()
        let picture = try SegmentationPicture.render(scans, scale: 2)
        #expect(try picture.png() == (try SegmentationPicture.render(scans, scale: 2)).png())
        if ProcessInfo.processInfo.environment["FNN_UPDATE_PICTURES"] == "1" {
            try Data(try picture.png()).write(to: URL(fileURLWithPath: Self.example))
        }
        let committed = try PNGDecoder().read(Self.example)
        #expect(committed.width == picture.width && committed.height == picture.height)
        // Touching digits are drawn in orange, the rest in blue.
        let touching = try #require(scans.last)
        #expect(touching.digits.contains { $0.touching })
    }

    @Test func noScansIsAnError() {
        #expect(throws: PictureError.self) { try SegmentationPicture.render([]) }
    }
}
