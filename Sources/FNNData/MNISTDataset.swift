import FNNMath
import FNNModel
import FNNSupport

/// Labelled images in MNIST's form: grey pixels 0 (background) to 255 (ink), row-major.
public struct MNISTDataset: Sendable {
    public var count: Int
    public var rows: Int
    public var columns: Int
    /// `count × rows × columns` pixels.
    public var pixels: [UInt8]
    /// One label per image.
    public var labels: [UInt8]

    public var pixelsPerImage: Int { rows * columns }

    public init(count: Int, rows: Int, columns: Int, pixels: [UInt8], labels: [UInt8]) {
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
    }

    /// The labels a dataset may use: 0…`classCount − 1`.
    public static let defaultClassCount = 10

    /// Reads an image file and a label file and checks that they belong together.
    ///
    /// - Parameter classCount: labels must be below this.
    public static func load(
        images imagesPath: String, labels labelsPath: String, classCount: Int = defaultClassCount
    ) throws(IDXError) -> MNISTDataset {
        let images = try IDXFile.read(imagesPath, expectedDimensions: 3)
        let labels = try IDXFile.read(labelsPath, expectedDimensions: 1)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw IDXError(
                path: labelsPath,
                message: "holds \(labels.dimensions[0]) labels but \(imagesPath) holds \(images.dimensions[0]) images",
                offset: 4)
        }
        if let index = labels.data.firstIndex(where: { Int($0) >= classCount }) {
            throw IDXError(
                path: labelsPath, message: "label \(labels.data[index]) of item \(index) is over \(classCount - 1)",
                offset: 8 + index)
        }
        return MNISTDataset(
            count: images.dimensions[0], rows: images.dimensions[1], columns: images.dimensions[2],
            pixels: images.data, labels: labels.data)
    }

    /// Finds `<prefix>-images-idx3-ubyte[.gz]` and `<prefix>-labels-idx1-ubyte[.gz]` in a
    /// folder, preferring the plain files.
    ///
    /// - Parameter prefix: `t10k` for the test set, `train` for the training set.
    public static func files(in folder: String, prefix: String) throws(IDXError) -> (images: String, labels: String) {
        func find(_ name: String) throws(IDXError) -> String {
            for candidate in ["\(folder)/\(name)", "\(folder)/\(name).gz"] where FileSystem.isRegularFile(candidate) {
                return candidate
            }
            throw IDXError(
                path: folder, message: "has no \(name) or \(name).gz (see the README for how to get MNIST)", offset: nil)
        }
        return (try find("\(prefix)-images-idx3-ubyte"), try find("\(prefix)-labels-idx1-ubyte"))
    }

    /// A batch of images as network inputs, scaled as the input contract says.
    package func inputs<Scalar: NetworkScalar>(
        _ range: Range<Int>, contract: InputContract = .mnist, as _: Scalar.Type = Scalar.self
    ) -> Matrix<Scalar> {
        let table = contract.table(Scalar.self)
        let size = pixelsPerImage
        var elements = [Scalar](repeating: 0, count: range.count * size)
        table.withUnsafeBufferPointer { table in
            pixels.withUnsafeBufferPointer { pixels in
                elements.withUnsafeMutableBufferPointer { out in
                    let start = range.lowerBound &* size
                    for offset in 0..<out.count { out[offset] = table[Int(pixels[start &+ offset])] }
                }
            }
        }
        return Matrix(rows: range.count, columns: size, elements: elements)
    }
}
