import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// `fnn export-png` on a small synthetic set in MNIST's file format.
@Suite struct ExportCommandTests {
    /// OUT is the argument or, as in every command, -o/--output, and gets
    /// OUT/<label>/<index>.png with the IDX pixels.
    @Test(arguments: [[], ["-o"], ["--output"]])
    func writesOneFolderPerLabel(option: [String]) throws {
        let folder = try Fixtures.temporaryFolder()
        try SyntheticDigits.writeIDX(to: folder, training: 20, test: 12)
        let output = folder + "/digits"
        let run = try RunFNN.run(["export-png", "--data", folder, "--count", "5"] + option + [output])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput == "wrote 5 images to \(output)\n")
        let files = try FileManager.default.subpathsOfDirectory(atPath: output).filter { $0.hasSuffix(".png") }
        #expect(files.count == 5)
        let labels = try MNISTDataset.load(images: folder + "/t10k-images-idx3-ubyte", labels: folder + "/t10k-labels-idx1-ubyte")
        #expect(files.contains("\(labels.labels[0])/0.png"))
    }

    @Test(arguments: [
        (["out", "-o", "out2"], "Name the output once: as the <output> argument or with -o/--output, not both."),
        ([], "Name the output: as the <output> argument or with -o/--output."),
        (["--set", "validation", "out"], "Please provide one of 't10k' and 'train'"),
        (["--count", "0", "out"], "--count must be at least 1."),
    ] as [([String], String)])
    func badArgumentsAreUsageErrors(extra: [String], message: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["export-png", "--data", folder] + extra, currentDirectory: folder)
        #expect(run.status == 64, "\(run.standardError)")
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
