import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// One named test per hostile input that once crashed fnn, or made it allocate or spin far
/// past what the input's size warrants (`Tests/Fixtures/fuzz/regressions`, written by
/// `make_regressions.py` with every checksum recomputed, as a hostile party would).
@Suite struct HostileInputRegressionTests {
    static let folder = Fixtures.root + "/Tests/Fixtures/fuzz/regressions"

    static func bytes(_ name: String) throws -> [UInt8] { try Fixtures.bytes(folder + "/" + name) }

    /// Resident-memory high-water mark of this process, in bytes (Linux).
    static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test func tensorRowsAndColumnsThatOverflowAreALimitNotATrap() throws {
        let bytes = try Self.bytes("tensor-rows-columns-overflow.fnn")
        let error = #expect(throws: ModelFileError.self) { try ModelFile.decode(bytes) }
        #expect(error?.code == .limit)
        #expect(error?.chunk == "TENS")
        #expect(error?.description.contains("the rows and columns fields declare 4294967295×4294967295 elements, over the limit of 2^28") == true)
        // The offset is the rows field of the first TENS chunk.
        let inspection = ModelInspection.inspect(bytes)
        let tens = try #require(inspection.chunks.first { $0.type == "TENS" })
        #expect(error?.offset == tens.offset + 8 + 8)
        #expect(!inspection.isIntact)
    }

    @Test func extremeHistoryValuesDrawALearningCurve() throws {
        let model = try ModelFile.decode(try Self.bytes("history-extreme-values.fnn")).model
        #expect(model.history.count == 2)
        let canvas = try LearningCurvesPicture.render(model.history)
        #expect(canvas.width == 640 && canvas.height == 400)
    }

    @Test func negativeImageSidesAreRefusedByTheReader() throws {
        let error = #expect(throws: ModelFileError.self) {
            try ModelFile.decode(try Self.bytes("meta-negative-sides.fnn"))
        }
        #expect(error?.code == .invalid && error?.chunk == "meta")
        #expect(error?.message.contains("input.width is -3; an image side must be 1…65536 pixels") == true)
    }

    @Test func anInt8ScaleThatOverflowsInUseIsCaughtBeforeItPredicts() throws {
        let model = try ModelFile.decode(try Self.bytes("int8-scale-overflows-f32.fnn")).model
        #expect(ModelSelfTest.outputProblem(with: model)?.contains("not finite") == true)
    }

    @Test func aGzipIDXThatClaimsGigabytesIsRefusedBeforeInflating() throws {
        let path = Self.folder + "/idx-claims-2gib.idx.gz"
        let before = Self.peakResidentBytes()
        let error = #expect(throws: IDXError.self) { try IDXFile.read(path, expectedDimensions: 3) }
        #expect(error?.message.contains("more than 34 gzip-compressed bytes can hold") == true, "\(String(describing: error))")
        #expect(Self.peakResidentBytes() - before < 64 << 20)
    }

    @Test func aGzipIDXThatInflatesPastItsHeaderStopsThere() throws {
        let path = Self.folder + "/idx-inflates-past-header.idx.gz"
        let clock = ContinuousClock()
        let start = clock.now
        let error = #expect(throws: IDXError.self) { try IDXFile.read(path, expectedDimensions: 3) }
        #expect(error?.message.contains("unexpected bytes after the data") == true, "\(String(describing: error))")
        // 64 MiB of zeros behind the header are never inflated.
        #expect(clock.now - start < .seconds(1))
    }

    @Test func deeplyNestedJSONIsRefusedWithItsPosition() throws {
        let error = #expect(throws: Network2JSON.ImportError.self) {
            try Network2JSON.decode(try Self.bytes("network2-deep-nesting.json"))
        }
        #expect(error?.message.contains("line 1, column 71 (byte 70): values are nested more than 64 deep") == true, "\(String(describing: error))")
    }

    @Test func aRowLongerThanItsLayerStopsTheReaderAtOnce() throws {
        let error = #expect(throws: Network2JSON.ImportError.self) {
            try Network2JSON.decode(try Self.bytes("network2-long-row.json"))
        }
        #expect(error?.message.contains("weights[0][0] has more than 2 numbers") == true, "\(String(describing: error))")
    }

    @Test func aHundredMillionNumberJSONArrayIsRefusedWithoutBuildingIt() throws {
        // 10^8 numbers as one row of a layer that takes 784 inputs: refused at number 785.
        var text = Array("{\"sizes\": [784, 10], \"weights\": [[[".utf8)
        text += Array(repeating: Array("0,".utf8), count: 1_000_000).flatMap { $0 }
        text += Array("0]]], \"biases\": [], \"cost\": \"QuadraticCost\"}".utf8)
        let before = Self.peakResidentBytes()
        let error = #expect(throws: Network2JSON.ImportError.self) { try Network2JSON.decode(text) }
        #expect(error?.message.contains("weights[0][0] has more than 784 numbers") == true)
        #expect(Self.peakResidentBytes() - before < 64 << 20)
    }

    @Test func overflowingWeightsGiveAnErrorRowNotAPrediction() throws {
        // f64 weights of 1e308 are finite in the file and overflow in use (∞ − ∞ = NaN).
        let model = CraftedModel.overflowing()
        let written = try ModelFile.encode(model)
        #expect(throws: Never.self) { try ModelFile.decode(written) }
        #expect(ModelSelfTest.outputProblem(with: model) != nil)
        let dataset = MNISTDataset(count: 1, rows: 28, columns: 28, pixels: [UInt8](repeating: 200, count: 784), labels: [3])
        let error = #expect(throws: EvaluationError.self) { try Evaluation.run(model, on: dataset) }
        #expect(error?.message.contains("not finite") == true)
    }
}
