import FNNKit
import Foundation

/// Runs one fuzz case through everything fnn does with a model file or a data file, the
/// way the commands do: read it, inspect it (text and JSON), and for a file that reads,
/// draw its pictures, run it on images, convert it to every number type and version,
/// export it to ONNX and network2 JSON, and read back what was written. Nothing here may
/// trap; what the writer writes, the reader must read.
package enum FuzzHarness {
    /// A failure of an invariant (a trap would end the process instead).
    package struct Violation: Error, CustomStringConvertible {
        package var description: String
    }

    /// Set `FNN_FUZZ_SAVE=PATH` to write each case to PATH before it runs, so that a case
    /// that traps is left on disk to become a regression file.
    static let savePath = ProcessInfo.processInfo.environment["FNN_FUZZ_SAVE"]

    static func save(_ bytes: [UInt8]) {
        guard let savePath else { return }
        _ = FileManager.default.createFile(atPath: savePath, contents: Data(bytes))
    }

    /// A model file's bytes (version 1 or 2).
    package static func exerciseModelFile(_ bytes: [UInt8]) throws(Violation) {
        save(bytes)
        let inspection = ModelInspection.inspect(bytes)
        _ = inspection.text(path: "case.fnn")
        _ = inspection.json(path: "case.fnn").serialized()
        guard let loaded = try? ModelFile.decode(bytes) else {
            if inspection.isIntact { throw Violation(description: "inspect calls intact a file the reader refuses") }
            return
        }
        guard inspection.isIntact else { throw Violation(description: "the reader reads a file inspect calls damaged") }
        try exerciseModel(loaded.model)
    }

    /// A network2.py JSON document.
    package static func exerciseNetwork2JSON(_ bytes: [UInt8]) throws(Violation) {
        save(bytes)
        guard let model = try? Network2JSON.decode(bytes) else { return }
        try exerciseModel(model)
    }

    /// An IDX file's bytes, plain or gzip-compressed, as images and as labels.
    package static func exerciseIDX(_ bytes: [UInt8], folder: String) {
        save(bytes)
        let path = folder + "/case.idx"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        for dimensions in [1, 3] {
            _ = try? IDXFile.read(path, expectedDimensions: dimensions)
        }
        _ = try? MNISTDataset.load(images: path, labels: path)
    }

    /// Everything done with a model that reads.
    package static func exerciseModel(_ model: Model) throws(Violation) {
        _ = try? WeightsPicture.render(model)
        _ = try? LearningCurvesPicture.render(model.history)
        if model.inputSize <= 4096 {
            let classifier = Classifier(model)
            var pixels = [UInt8](repeating: 0, count: model.inputSize * 3)
            for index in model.inputSize..<(2 * model.inputSize) { pixels[index] = 255 }
            for index in (2 * model.inputSize)..<(3 * model.inputSize) { pixels[index] = UInt8(index % 256) }
            _ = classifier.probabilities(pixels: pixels, count: 3)
            _ = ModelSelfTest.problem(with: model)
        }
        for version in [1, 2] {
            for allowingLoss in [false, true] {
                guard let written = try? ModelFile.encode(model, version: version, allowingLoss: allowingLoss) else { continue }
                do {
                    _ = try ModelFile.decode(written)
                } catch {
                    throw Violation(description: "fnn wrote a version \(version) file it cannot read: \(error)")
                }
            }
        }
        for type in NumberType.allCases {
            guard let converted = try? model.converted(to: type),
                let written = try? ModelFile.encode(converted)
            else { continue }
            do {
                _ = try ModelFile.decode(written)
            } catch {
                throw Violation(description: "fnn wrote an \(type.rawValue) file it cannot read: \(error)")
            }
        }
        if let configuration = try? TrainingConfiguration(resuming: model) {
            _ = configuration.problems(trainingImages: 100, inputSize: model.inputSize, classCount: model.outputSize)
        }
        _ = try? ONNXExport.encode(model)
        if let json = try? Network2JSON.encode(model) {
            do {
                _ = try Network2JSON.decode(json)
            } catch {
                throw Violation(description: "fnn wrote network2 JSON it cannot read: \(error)")
            }
        }
    }
}
