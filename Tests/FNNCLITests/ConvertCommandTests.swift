import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// `fnn convert` between versions, number types and network2.py JSON.
@Suite struct ConvertCommandTests {
    @Test func convertsToEveryNumberTypeAndReportsTheChange() throws {
        let folder = try Fixtures.temporaryFolder()
        let input = Fixtures.vectors + "/v2-f64.fnn"
        let original = try ModelFile.load(contentsOf: input).model
        for type in ["f32", "f16", "int8"] {
            let output = folder + "/\(type).fnn"
            let run = try RunFNN.run(["convert", input, output, "--dtype", type])
            #expect(run.status == 0, "\(run.standardError)")
            let converted = try ModelFile.load(contentsOf: output).model
            #expect(converted.numberTypes.map(\.rawValue) == [type])
            let change = original.largestParameterChange(from: converted)
            #expect(run.standardOutput.contains("largest absolute change of any parameter: \(change)"))
            #expect(converted.metadata == original.metadata)
        }
    }

    @Test func downgradesOnlyWhatFitsVersion1() throws {
        let folder = try Fixtures.temporaryFolder()
        let refused = try RunFNN.run(["convert", Fixtures.vectors + "/v2-f64.fnn", folder + "/v1.fnn", "--format-version", "1"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("format version 1 cannot hold this model"))
        #expect(refused.standardError.contains("uses tanh"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/v1.fnn"))

        let lossy = try RunFNN.run(["convert", Fixtures.vectors + "/v1-deep.fnn", folder + "/v2.fnn"])
        #expect(lossy.status == 0)
        let back = try RunFNN.run(["convert", folder + "/v2.fnn", folder + "/v1.fnn", "--format-version", "1"])
        #expect(back.status == 0, "\(back.standardError)")
        #expect(try Fixtures.bytes(folder + "/v1.fnn") == (try Fixtures.bytes(Fixtures.vectors + "/v1-deep.fnn")))
    }

    @Test func neverOverwritesWithoutForce() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = folder + "/out.fnn"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: output))
        let run = try RunFNN.run(["convert", Fixtures.vectors + "/v2-f32.fnn", output])
        #expect(run.status == 1)
        #expect(run.standardError.contains("already exists; pass --force"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep me")
        let forced = try RunFNN.run(["convert", Fixtures.vectors + "/v2-f32.fnn", output, "--force"])
        #expect(forced.status == 0)
        #expect(try Fixtures.bytes(output) == (try Fixtures.bytes(Fixtures.vectors + "/v2-f32.fnn")))
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.fnn"])
    }

    @Test func keepsUnknownAncillaryChunks() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["convert", Fixtures.vectors + "/v2-future.fnn", folder + "/out.fnn"])
        #expect(run.status == 0)
        let original = try ModelFile.load(contentsOf: Fixtures.vectors + "/v2-future.fnn").model
        let converted = try ModelFile.load(contentsOf: folder + "/out.fnn").model
        #expect(!original.unknownChunks.isEmpty)
        #expect(converted.unknownChunks == original.unknownChunks)
    }

    @Test func roundTripsNetwork2JSON() throws {
        let folder = try Fixtures.temporaryFolder()
        let json = Fixtures.interchange + "/network2-784-10-10-quadratic.json"
        #expect(try RunFNN.run(["convert", json, folder + "/m.fnn"]).status == 0)
        #expect(try RunFNN.run(["convert", folder + "/m.fnn", folder + "/back.json"]).status == 0)
        let original = try ModelLoader.load(json)
        let back = try ModelLoader.load(folder + "/back.json")
        #expect(back.layers == original.layers)
        let relu = try RunFNN.run(["convert", Fixtures.vectors + "/v2-f32.fnn", folder + "/relu.json"])
        #expect(relu.status == 1)
        #expect(relu.standardError.contains("network2.py JSON cannot hold this model"))
    }

    @Test func badOptionsAreUsageErrors() throws {
        let run = try RunFNN.run(["convert", "a.fnn", "b.fnn", "--format-version", "3"])
        #expect(run.status == 64)
        #expect(run.standardError.contains("--format-version must be 1 or 2"))
        let dtype = try RunFNN.run(["convert", "a.fnn", "b.fnn", "--dtype", "f8"])
        #expect(dtype.status == 64)
        let v1 = try RunFNN.run(["convert", "a.fnn", "b.fnn", "--format-version", "1", "--dtype", "f16"])
        #expect(v1.status == 64)
        #expect(v1.standardError.contains("format version 1 stores f64 only"))
    }
}

@Suite struct ConvertTrainingStateTests {
    @Test func dropsTheOptimiserStateOnRequest() throws {
        let folder = try Fixtures.temporaryFolder()
        let input = Fixtures.vectors + "/v2-mixed.fnn"
        #expect(try ModelFile.load(contentsOf: input).model.optimizerState != nil)
        let run = try RunFNN.run(["convert", input, folder + "/out.fnn", "--drop-training-state"])
        #expect(run.status == 0)
        let converted = try ModelFile.load(contentsOf: folder + "/out.fnn").model
        #expect(converted.optimizerState == nil)
        #expect(converted.layers == (try ModelFile.load(contentsOf: input).model.layers))
    }

    /// OUT is the second argument or, as in every command, -o/--output; exactly one of them.
    @Test func theOutputIsAnArgumentOrDashO() throws {
        let folder = try Fixtures.temporaryFolder()
        let input = Fixtures.vectors + "/v2-f32.fnn"
        for (index, option) in ["-o", "--output"].enumerated() {
            let output = folder + "/out\(index).fnn"
            let run = try RunFNN.run(["convert", input, option, output])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardOutput.hasPrefix("wrote \(output): "))
            #expect(try Fixtures.bytes(output) == (try Fixtures.bytes(input)))
        }
        let both = try RunFNN.run(["convert", input, folder + "/a.fnn", "-o", folder + "/b.fnn"])
        #expect(both.status == 64)
        #expect(both.standardError.contains("Name the output once: as the <output> argument or with -o/--output, not both."))
        let neither = try RunFNN.run(["convert", input])
        #expect(neither.status == 64)
        #expect(neither.standardError.contains("Name the output: as the <output> argument or with -o/--output."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["out0.fnn", "out1.fnn"])
    }

    /// An output name whose extension fnn does not write is a usage error, and nothing is
    /// written (it once wrote an .fnn file named x.safetensors).
    @Test(arguments: ["x.safetensors", "x.pt", "x.h5", "noextension", "x.FNN.bak"])
    func aForeignOutputExtensionIsAUsageError(_ name: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["convert", Fixtures.vectors + "/v2-f32.fnn", folder + "/" + name])
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.contains(".fnn, .json (network2.py) or .onnx"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func extensionsAreCaseInsensitive() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["convert", Fixtures.vectors + "/v2-f32.fnn", folder + "/OUT.FNN"])
        #expect(run.status == 0, "\(run.standardError)")
    }
}
