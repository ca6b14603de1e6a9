import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The IDX reader says what is wrong with a file and at which byte.
@Suite struct IDXFileTests {
    static func idx(magic: UInt32, dimensions: [UInt32], data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in [magic] + dimensions {
            bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        return bytes + data
    }

    static func write(_ bytes: [UInt8], _ name: String, in folder: String) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsImagesAndLabels() throws {
        let folder = try Fixtures.temporaryFolder()
        let images = try Self.write(Self.idx(magic: 0x803, dimensions: [2, 2, 3], data: Array(0..<12)), "i", in: folder)
        let labels = try Self.write(Self.idx(magic: 0x801, dimensions: [2], data: [7, 3]), "l", in: folder)
        let dataset = try MNISTDataset.load(images: images, labels: labels)
        #expect(dataset.count == 2 && dataset.rows == 2 && dataset.columns == 3)
        #expect(dataset.labels == [7, 3])
        #expect(dataset.pixels == Array(0..<12))
        let inputs: Matrix<Double> = dataset.inputs(1..<2)
        #expect(inputs.elements == (6..<12).map { Double($0) / 255 })
    }

    @Test(arguments: [
        ("wrong magic", idx(magic: 0x801, dimensions: [2], data: [0, 0]), "wrong magic number 0x00000801", 0),
        ("not IDX", Array("hello world, this is text".utf8), "not an IDX file", 0),
        ("short header", [0, 0, 8, 3, 0, 0], "ends inside its header", 6),
        ("truncated data", idx(magic: 0x803, dimensions: [2, 2, 2], data: [1, 2, 3]), "truncated", 19),
        ("extra data", idx(magic: 0x803, dimensions: [1, 1, 1], data: [1, 2]), "unexpected bytes", 17),
    ] as [(String, [UInt8], String, Int)])
    func badImageFilesAreExplained(name: String, bytes: [UInt8], message: String, offset: Int) throws {
        let folder = try Fixtures.temporaryFolder()
        let path = try Self.write(bytes, "images", in: folder)
        let error = #expect(throws: IDXError.self) { try IDXFile.read(path, expectedDimensions: 3) }
        #expect(error?.message.contains(message) == true, "\(name): \(String(describing: error))")
        #expect(error?.offset == offset, "\(name)")
        #expect(error?.description.hasPrefix(path) == true)
    }

    @Test func swappedFilesAreNamed() throws {
        let folder = try Fixtures.temporaryFolder()
        let labels = try Self.write(Self.idx(magic: 0x801, dimensions: [1], data: [1]), "labels", in: folder)
        let error = #expect(throws: IDXError.self) { try IDXFile.read(labels, expectedDimensions: 3) }
        #expect(error?.message.contains("swapped") == true)
    }

    @Test func countsMustAgreeAndLabelsMustBeDigits() throws {
        let folder = try Fixtures.temporaryFolder()
        let images = try Self.write(Self.idx(magic: 0x803, dimensions: [2, 1, 1], data: [0, 0]), "i", in: folder)
        let three = try Self.write(Self.idx(magic: 0x801, dimensions: [3], data: [1, 2, 3]), "l3", in: folder)
        let mismatch = #expect(throws: IDXError.self) { try MNISTDataset.load(images: images, labels: three) }
        #expect(mismatch?.message.contains("holds 3 labels but") == true)
        let big = try Self.write(Self.idx(magic: 0x801, dimensions: [2], data: [4, 12]), "l2", in: folder)
        let label = #expect(throws: IDXError.self) { try MNISTDataset.load(images: images, labels: big) }
        #expect(label?.message == "label 12 of item 1 is over 9")
        #expect(label?.offset == 9)
    }

    @Test func missingFilesAreNamed() throws {
        let folder = try Fixtures.temporaryFolder()
        let error = #expect(throws: IDXError.self) { try MNISTDataset.files(in: folder, prefix: "t10k") }
        #expect(error?.message.contains("t10k-images-idx3-ubyte") == true)
        let missing = #expect(throws: IDXError.self) { try IDXFile.read(folder + "/nothing", expectedDimensions: 1) }
        #expect(missing?.message == "no such file")
    }

    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST in ../shared/datasets/mnist"))
    func gzipFilesAreReadAndDamageIsCaught() throws {
        let gz = Fixtures.mnist + "/t10k-labels-idx1-ubyte.gz"
        let labels = try IDXFile.read(gz, expectedDimensions: 1)
        #expect(labels.dimensions == [10_000])
        #expect(Array(labels.data.prefix(5)) == [7, 2, 1, 0, 4])

        let folder = try Fixtures.temporaryFolder()
        let compressed = try Fixtures.bytes(gz)
        let cut = try Self.write(Array(compressed.prefix(compressed.count / 2)), "cut.gz", in: folder)
        let truncated = #expect(throws: IDXError.self) { try IDXFile.read(cut, expectedDimensions: 1) }
        #expect(truncated?.message.contains("truncated") == true)
        var damagedBytes = compressed
        damagedBytes[compressed.count - 6] ^= 0xFF  // inside the gzip trailer's CRC-32
        let damaged = try Self.write(damagedBytes, "damaged.gz", in: folder)
        let crc = #expect(throws: IDXError.self) { try IDXFile.read(damaged, expectedDimensions: 1) }
        #expect(crc?.message.contains("damaged") == true)
    }
}
