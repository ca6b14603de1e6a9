import Foundation

/// Paths to the repository's fixtures, found from this file's location so tests run from
/// any working directory.
package enum Fixtures {
    /// The repository root.
    package static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    package static let vectors = root + "/formats/vectors"
    package static let interchange = root + "/formats/interchange"
    package static let samples = root + "/samples"
    package static let pngVariants = root + "/Tests/Fixtures/png/variants"
    package static let badPNGs = root + "/Tests/Fixtures/png/bad"

    /// MNIST as shared with the project: `../shared/datasets/mnist`, or `FNN_MNIST_DIR`.
    package static let mnist: String =
        ProcessInfo.processInfo.environment["FNN_MNIST_DIR"] ?? (root + "/../shared/datasets/mnist")

    /// Whether the MNIST files are there.
    package static var hasMNIST: Bool {
        FileManager.default.fileExists(atPath: mnist + "/t10k-images-idx3-ubyte.gz")
            || FileManager.default.fileExists(atPath: mnist + "/t10k-images-idx3-ubyte")
    }

    /// Whether the opt-in slow tests should run.
    package static var slowTestsEnabled: Bool {
        ProcessInfo.processInfo.environment["FNN_SLOW_TESTS"] != nil
    }

    /// The bytes of a file.
    package static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The names of the files in a folder with the given extension, sorted.
    package static func files(in folder: String, withExtension ext: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix("." + ext) }
            .sorted()
    }

    /// A new empty temporary folder.
    package static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "fnn-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
