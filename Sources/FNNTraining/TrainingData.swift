import FNNData
import FNNMath
import FNNModel
import FNNSupport

/// The images a training run learns from and checks itself on.
package struct TrainingData: Sendable {
    /// The full training file (training and validation images).
    package let dataset: MNISTDataset
    /// Images `0..<trainingCount` are trained on; the rest are the validation set.
    package let trainingCount: Int
    package let contract: InputContract
    /// The SHA-256 (hex) of all the images' pixels followed by their labels: the IDX
    /// payloads without headers, as fnn records it in `training_data_sha256`.
    package let digest: String

    /// Splits `dataset`, holding out its last `validationSize` images.
    package init(_ dataset: MNISTDataset, validationSize: Int, contract: InputContract = .mnist) {
        self.dataset = dataset
        self.trainingCount = dataset.count - validationSize
        self.contract = contract
        var bytes = dataset.pixels
        bytes += dataset.labels
        digest = SHA256Digest.hex(SHA256Digest.digest(bytes))
    }

    package var validationRange: Range<Int> { trainingCount..<dataset.count }

    /// Sets the images `indices` as a backpropagation's input batch, each distorted by
    /// `augmentation` when given, else shifted by up to `shift` pixels in x and y (zero
    /// filling) when `shift` is positive.
    ///
    /// - Parameter scratch: room for the shifted images (`indices.count × pixelsPerImage`).
    func load<Scalar: NetworkScalar>(
        _ indices: ArraySlice<Int>, into backpropagation: inout Backpropagation<Scalar>, shift: Int,
        augmentation: Augmentation? = nil, random: inout SplitMix64, table: [Scalar], scratch: inout [UInt8]
    ) {
        let size = dataset.pixelsPerImage
        table.withUnsafeBufferPointer { table in
            if let augmentation {
                var workspace = Augmentation.Workspace(rows: dataset.rows, columns: dataset.columns, sigma: augmentation.elasticSigma)
                dataset.pixels.withUnsafeBufferPointer { pixels in
                    scratch.withUnsafeMutableBufferPointer { out in
                        for (row, index) in indices.enumerated() {
                            augmentation.apply(
                                UnsafeBufferPointer(rebasing: pixels[(index &* size)..<(index &* size &+ size)]),
                                into: UnsafeMutableBufferPointer(rebasing: out[(row &* size)..<(row &* size &+ size)]),
                                workspace: &workspace, random: &random)
                        }
                    }
                }
                scratch.withUnsafeBufferPointer { images in
                    backpropagation.setInput(images: images, offsets: (0..<indices.count).lazy.map { $0 &* size }, table: table)
                }
                return
            }
            if shift == 0 {
                dataset.pixels.withUnsafeBufferPointer { pixels in
                    backpropagation.setInput(images: pixels, offsets: indices.lazy.map { $0 &* size }, table: table)
                }
                return
            }
            let rows = dataset.rows
            let columns = dataset.columns
            dataset.pixels.withUnsafeBufferPointer { pixels in
                scratch.withUnsafeMutableBufferPointer { out in
                    for (row, index) in indices.enumerated() {
                        let source = index &* size
                        let target = row &* size
                        let span = UInt64(2 * shift + 1)
                        let dx = Int(random.next() % span) - shift
                        let dy = Int(random.next() % span) - shift
                        for y in 0..<rows {
                            let sourceY = y &- dy
                            let line = target &+ y &* columns
                            for x in 0..<columns {
                                let sourceX = x &- dx
                                out[line &+ x] = sourceY >= 0 && sourceY < rows && sourceX >= 0 && sourceX < columns
                                    ? pixels[source &+ sourceY &* columns &+ sourceX] : 0
                            }
                        }
                    }
                }
            }
            scratch.withUnsafeBufferPointer { images in
                backpropagation.setInput(images: images, offsets: (0..<indices.count).lazy.map { $0 &* size }, table: table)
            }
        }
    }
}
