import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Rows written by `PredictionFormat` read back by `ResultRow`, byte for byte, whatever
/// the path holds.
@Suite struct ResultRowTests {
    static let paths: [BytePath] = [
        BytePath("digits/3/a.png"), BytePath("with, comma \"quoted\".png"), BytePath("back\\slash\n line.png"),
        BytePath(bytes: Array("caf".utf8) + [0xE9, 0xFF] + Array(".png".utf8)), BytePath("tab\there/ünï.png"),
    ]

    static func result(_ location: BytePath, failed: Bool) -> PredictionResult {
        let outcome: Result<PredictionResult.Prediction, ImageError> =
            failed
            ? .failure(ImageError(.notPNG, "not a PNG file, with \"quotes\", commas"))
            : .success(PredictionResult.Prediction(
                classIndex: 3, label: "3", confidence: 0.9, probabilities: [0, 0, 0, 0.9, 0.1, 0, 0, 0, 0, 0], normalized: []))
        return PredictionResult(path: location.lossy, relativePath: "", outcome: outcome, location: location)
    }

    @Test(arguments: [PredictionFormat.csv, .jsonl], [1, 3])
    func rowsRoundTrip(format: PredictionFormat, topK: Int) throws {
        let source: ResultRow.Source = format.header(topK: topK).map { .csv(header: $0) } ?? .jsonLines
        for location in Self.paths {
            for failed in [false, true] {
                let line = format.line(Self.result(location, failed: failed), topK: topK, labels: { String($0) })
                let row = try #require(try ResultRow.parse(Array(line.utf8)[...], source: source))
                #expect(row.location == location, "\(line)")
                #expect(row.prediction == (failed ? nil : "3"))
                #expect((row.error != nil) == failed)
            }
        }
    }

    @Test func unescapingUndoesEscaping() {
        for path in Self.paths { #expect(BytePath(unescaping: path.escaped) == path) }
        #expect(BytePath(unescaping: "lone\\") == nil)
        #expect(BytePath(unescaping: "\\xZZ") == nil)
        #expect(BytePath(unescaping: "raw\ncontrol") == nil)
    }

    @Test func aTornLastLineIsNotRead() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/rows.csv"
        let text = "path,prediction,confidence,error\na.png,3,0.9,\nb.png,,,broken\nc.png,7,0."
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var rows: [ResultRow] = []
        let (end, source) = try ResultRow.read(path) { rows.append($0) }
        #expect(rows.map(\.location.lossy) == ["a.png", "b.png"])
        #expect(rows[1].error == "broken")
        #expect(end == text.utf8.count - "c.png,7,0.".utf8.count)
        #expect(source == .csv(header: "path,prediction,confidence,error"))
        // A damaged whole line is an error at its line, not skipped.
        try Data("path,prediction,confidence,error\na.png,3,0.9,\nb.png,3\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ResultRowError.self) { try ResultRow.read(path) { _ in } }
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix(path + ", line 3: the row has 2 fields") == true)
    }
}
