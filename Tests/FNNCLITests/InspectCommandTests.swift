import FNNTestSupport
import Foundation
import Testing

/// `fnn inspect` on intact and damaged files, run as a user runs it.
@Suite struct InspectCommandTests {
    @Test(arguments: ["v1-small.fnn", "v2-f16.fnn", "v2-int8.fnn", "v2-mixed.fnn", "v2-future.fnn"])
    func intactFilesExitZero(name: String) throws {
        let run = try RunFNN.run(["inspect", Fixtures.vectors + "/" + name])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("Intact: every checksum matches."))
        #expect(run.standardOutput.contains("layer  inputs  outputs  activation  parameters  type"))
        #expect(run.standardError.isEmpty)
    }

    @Test func showsEverySection() throws {
        let run = try RunFNN.run(["inspect", Fixtures.vectors + "/v2-mixed.fnn"])
        for text in [
            "format version 2", "Network: 5 → 4 → 3", "f16", "int8 ×", "Hyperparameters:", "learning_rate",
            "Metadata:", "labels", "Optimiser state: saved", "Unknown ancillary chunks (kept): zzzz",
            "header CRC-32 at byte 20", "chunk TENS CRC-32", "file SHA-256",
        ] {
            #expect(run.standardOutput.contains(text), "missing \(text)")
        }
    }

    @Test func aDamagedFileIsNamedWithChunkAndOffset() throws {
        let folder = try Fixtures.temporaryFolder()
        var bytes = try Fixtures.bytes(Fixtures.vectors + "/v2-f32.fnn")
        bytes[200] ^= 0x01
        let path = folder + "/damaged.fnn"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let run = try RunFNN.run(["inspect", path])
        #expect(run.status == 1)
        #expect(run.standardOutput.contains("MISMATCH"))
        #expect(run.standardError.contains("damaged.fnn is damaged: byte 72, chunk TENS: the chunk's CRC-32 does not match"))

        let json = try RunFNN.run(["inspect", "--json", path])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(object?["intact"] as? Bool == false)
        let error = object?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "chunk-crc")
        #expect(error?["offset"] as? Int == 72)
        #expect(error?["chunk"] as? String == "TENS")
    }

    @Test func jsonDescribesAnIntactModel() throws {
        let run = try RunFNN.run(["inspect", "--json", Fixtures.vectors + "/v2-f64.fnn"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["intact"] as? Bool == true)
        #expect(object["format_version"] as? Int == 2)
        let model = try #require(object["model"] as? [String: Any])
        #expect(model["sizes"] as? [Int] == [6, 5, 4, 3])
        let layers = try #require(model["layers"] as? [[String: Any]])
        #expect(layers.count == 3)
        let weights = try #require(layers[0]["weights"] as? [String: Any])
        for key in ["min", "max", "mean", "std", "type"] { #expect(weights[key] != nil) }
        let checksums = try #require(object["checksums"] as? [[String: Any]])
        #expect(checksums.allSatisfy { $0["ok"] as? Bool == true })
    }

    @Test func missingAndNonModelFilesAreExplained() throws {
        let missing = try RunFNN.run(["inspect", "/nonexistent/model.fnn"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("Error: /nonexistent/model.fnn: no such file"))
        let json = try RunFNN.run(["inspect", Fixtures.interchange + "/network2-784-10-10-quadratic.json"])
        #expect(json.status == 1)
        #expect(json.standardError.contains("looks like JSON"))
    }

    /// The model is the argument or, as in predict and watch, --model; not both.
    @Test func theModelIsAnArgumentOrAnOption() throws {
        let path = Fixtures.vectors + "/v2-f32.fnn"
        let positional = try RunFNN.run(["inspect", path])
        let option = try RunFNN.run(["inspect", "--model", path])
        #expect(option.status == 0, "\(option.standardError)")
        #expect(option.standardOutput == positional.standardOutput)
        let both = try RunFNN.run(["inspect", path, "--model", path])
        #expect(both.status == 64)
        #expect(both.standardError.contains("Name the model once: as the <model> argument or with --model, not both."))
    }
}
