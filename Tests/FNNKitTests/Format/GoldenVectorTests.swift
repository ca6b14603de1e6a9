import FNNKit
import Foundation
import FNNTestSupport
import Testing

/// The golden vectors of `formats/vectors`, made by an independent implementation of the
/// specification (`formats/tools/fnnref.py`), checked in both directions.
@Suite struct GoldenVectorTests {
    static let validNames = Fixtures.files(in: Fixtures.vectors, withExtension: "fnn").filter { !$0.hasPrefix("bad-") }
    static let badNames = Fixtures.files(in: Fixtures.vectors, withExtension: "fnn").filter { $0.hasPrefix("bad-") }

    @Test func vectorsArePresent() {
        #expect(Self.validNames.count >= 9)
        #expect(Self.badNames.count >= 15)
        for dtype in ["f64", "f32", "f16", "int8"] {
            #expect(Self.validNames.contains("v2-\(dtype).fnn"))
        }
        #expect(Self.validNames.contains { $0.hasPrefix("v1-") })
    }

    @Test(arguments: validNames)
    func readingMatchesTheJSON(name: String) throws {
        let path = Fixtures.vectors + "/" + name
        let bytes = try Fixtures.bytes(path)
        let expected = try GoldenVector.load(path.replacingOccurrences(of: ".fnn", with: ".json"))
        let loaded = try ModelFile.decode(bytes)
        #expect(loaded.formatVersion == expected.format_version)
        let expectedModel = try expected.model()
        #expect(loaded.model == expectedModel)
        // The decoded values, not just the stored form, match the JSON.
        for (layer, json) in zip(loaded.model.layers, expected.layers) {
            #expect(layer.weights.doubles() == json.weights.values)
            #expect(layer.biases.doubles() == json.biases.values)
        }
        let inspection = ModelInspection.inspect(bytes)
        #expect(inspection.isIntact)
        #expect(inspection.checks.allSatisfy { $0.matches })
        if let sha256 = expected.sha256 {
            #expect(inspection.checks.contains { $0.name == "file SHA-256" && $0.stored == sha256 })
        }
    }

    @Test(arguments: validNames)
    func writingTheJSONModelReproducesTheBytes(name: String) throws {
        let path = Fixtures.vectors + "/" + name
        let expected = try GoldenVector.load(path.replacingOccurrences(of: ".fnn", with: ".json"))
        // fnn writes the newest version it knows; a file from a future writer is read, not reproduced.
        guard expected.format_version <= ModelFile.newestVersion else { return }
        let bytes = try ModelFile.encode(try expected.model(), version: expected.format_version)
        #expect(bytes == (try Fixtures.bytes(path)))
    }

    @Test(arguments: badNames)
    func damagedFilesGiveTheExpectedError(name: String) throws {
        let path = Fixtures.vectors + "/" + name
        let expected = try BadVector.load(path.replacingOccurrences(of: ".fnn", with: ".json"))
        let bytes = try Fixtures.bytes(path)
        let error = try #require(throws: ModelFileError.self) { try ModelFile.decode(bytes) }
        #expect(error.code.rawValue == expected.error, "\(error)")
        #expect(error.offset == expected.offset, "\(error)")
        #expect(error.chunk == expected.chunk, "\(error)")
        #expect(!ModelInspection.inspect(bytes).isIntact)
    }
}
