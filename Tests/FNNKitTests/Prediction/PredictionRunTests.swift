import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The prediction library without the binary: collections, label inference, chunked
/// runs, the tally and its report.
@Suite struct PredictionRunTests {
    static let model = try? BundledModel.load()
    static let names = (0..<10).map(String.init)

    static func run(_ entries: [ImageCollection.Entry], labels: TrueLabels, chunkSize: Int) throws -> (PredictionTally, [[PredictionResult]]) {
        let model = try #require(model)
        var chunks: [[PredictionResult]] = []
        var done: [Int] = []
        let tally = PredictionRun(
            predictor: BatchPredictor(model: model, threads: 2), labels: labels, chunkSize: chunkSize
        ).run(entries) { (results, count) in
            chunks.append(results)
            done.append(count)
        }
        #expect(done == chunks.indices.map { min(($0 + 1) * chunkSize, entries.count) })
        return (tally, chunks)
    }

    @Test func chunksComeInOrderAndTheTallyCountsEveryImage() throws {
        let collection = ImageCollection([Fixtures.samples + "/digits/mnist"])
        let labels = TrueLabels(file: nil, names: Self.names, paths: collection.entries.map(\.path))
        #expect(labels.reportsAccuracy)
        let (tally, chunks) = try Self.run(collection.entries, labels: labels, chunkSize: 7)
        let results = chunks.flatMap { $0 }
        #expect(chunks.count == (collection.entries.count + 6) / 7)
        #expect(results.map(\.path) == collection.entries.map(\.path))
        #expect(tally.classified == collection.entries.count && tally.failed == 0 && tally.unlabelled == 0)
        // The tally is what the results say, image by image.
        var correct = 0
        for result in results {
            guard case .success(let prediction) = result.outcome else { continue }
            let folder = URL(fileURLWithPath: result.path).deletingLastPathComponent().lastPathComponent
            if prediction.label == folder { correct += 1 }
        }
        let evaluation = try #require(tally.evaluation)
        #expect(evaluation.total == results.count)
        #expect(evaluation.correct == correct)
        // The same images in one chunk: the same tally.
        let (whole, _) = try Self.run(collection.entries, labels: labels, chunkSize: 4096)
        #expect(whole == tally)
    }

    @Test func failuresAndUnlabelledImagesAreCountedApart() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/7", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.samples + "/digits/mnist/7/" + (Fixtures.files(in: Fixtures.samples + "/digits/mnist/7", withExtension: "png").first ?? ""), toPath: folder + "/7/a.png")
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: folder + "/7/broken.png"))
        try FileManager.default.copyItem(atPath: folder + "/7/a.png", toPath: folder + "/loose.png")
        let collection = ImageCollection([folder])
        let paths = collection.entries.map(\.path)
        // loose.png is not in a label folder: no report from folder names.
        let byFolder = TrueLabels(file: nil, names: Self.names, paths: paths)
        #expect(!byFolder.reportsAccuracy)
        #expect(byFolder.label(of: folder + "/7/a.png") == "7")
        #expect(byFolder.label(of: folder + "/loose.png") == nil)
        #expect(byFolder.classIndex(of: folder + "/7/a.png") == nil)
        // A labels file covers what it names.
        let csv = folder + "/labels.csv"
        try Data("path,label\n\(folder)/7/a.png,7\n".utf8).write(to: URL(fileURLWithPath: csv))
        let byFile = TrueLabels(file: try LabelSource.load(csv), names: Self.names, paths: paths)
        #expect(byFile.reportsAccuracy)
        let (tally, _) = try Self.run(collection.entries, labels: byFile, chunkSize: 2)
        #expect(tally.classified == 2)
        #expect(tally.failed == 1)
        #expect(tally.unlabelled == 1)
        let report = try #require(tally.report)
        #expect(report.contains("accuracy: 100.00% (1 of 1 correct)"))
        #expect(report.contains("1 images could not be classified and are not counted"))
        #expect(report.contains("1 images have no known label and are not counted"))
    }

    @Test func aTallyWithNothingLabelledHasNoReport() {
        var tally = PredictionTally(names: ["0", "1"])
        tally.count(predicted: 1, actual: nil)
        tally.count(predicted: nil, actual: 1)
        #expect(tally.report == nil)
        tally.count(predicted: 1, actual: 0)
        tally.count(predicted: 5, actual: 0)  // not one of the model's classes: unlabelled
        #expect(tally.confusion == [[0, 1], [0, 0]])
        #expect(tally.unlabelled == 2)
        #expect(tally.evaluation?.accuracy == 0)
    }

    @Test func labelsFilesAreParsedStrictly() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/labels.csv"
        try Data("\"a,b.png\",3\nplain.png,4\n".utf8).write(to: URL(fileURLWithPath: csv))
        let labels = try LabelSource.load(csv)
        #expect(labels.label(of: "a,b.png") == "3")
        #expect(labels.label(of: "./plain.png") == "4")
        try Data("one field only\n".utf8).write(to: URL(fileURLWithPath: csv))
        let error = #expect(throws: FileAccessError.self) { try LabelSource.load(csv) }
        #expect(error?.message == "line 1 does not have the two fields path,label")
    }

    @Test func normalizedDigitsAreSavedBesideTheirRelativePaths() throws {
        let model = try #require(Self.model)
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let collection = ImageCollection([Fixtures.samples + "/digits/mnist"])
        let results = BatchPredictor(model: model, threads: 1).predict(Array(collection.entries.prefix(3)))
        let saved = NormalizedImageFolder(folder + "/out")
        try saved.save(results)
        for result in results {
            guard case .success(let prediction) = result.outcome else { Issue.record("not classified"); continue }
            let image = try PNGDecoder().read(saved.target(for: result))
            #expect(image.width == 28 && image.height == 28)
            #expect(saved.target(for: result).hasSuffix("/out/" + result.relativePath))
            #expect(prediction.normalized.count == 784)
        }
    }
}
