/// The images a training run learns from and checks itself on.
public struct TrainingData: Sendable {
    /// The full training file (training and validation images).
    public let dataset: MNISTDataset
    /// Images `0..<trainingCount` are trained on; the rest are the validation set.
    public let trainingCount: Int
    public let contract: InputContract
    /// The SHA-256 (hex) of all the images' pixels followed by their labels: the IDX
    /// payloads without headers, as fnn records it in `training_data_sha256`.
    public let digest: String

    /// Splits `dataset`, holding out its last `validationSize` images.
    public init(_ dataset: MNISTDataset, validationSize: Int, contract: InputContract = .mnist) {
        self.dataset = dataset
        self.trainingCount = dataset.count - validationSize
        self.contract = contract
        var bytes = dataset.pixels
        bytes += dataset.labels
        digest = SHA256Digest.hex(SHA256Digest.digest(bytes))
    }

    public var validationRange: Range<Int> { trainingCount..<dataset.count }

    /// Writes the images `indices` into the rows of `batch`, each shifted by up to
    /// `shift` pixels in x and y (zero filling) when `random` is given.
    public func fill<Scalar: NetworkScalar>(
        _ batch: inout Matrix<Scalar>, with indices: ArraySlice<Int>, shift: Int, random: inout SplitMix64
    ) {
        let table = (0...255).map { Scalar(contract.scaled(UInt8($0))) }
        let rows = dataset.rows
        let columns = dataset.columns
        let size = rows * columns
        let zero = table[0]
        dataset.pixels.withUnsafeBufferPointer { pixels in
            batch.elements.withUnsafeMutableBufferPointer { out in
                for (row, index) in indices.enumerated() {
                    let source = index * size
                    let target = row * size
                    if shift == 0 {
                        for offset in 0..<size { out[target + offset] = table[Int(pixels[source + offset])] }
                        continue
                    }
                    let span = UInt64(2 * shift + 1)
                    let dx = Int(random.next() % span) - shift
                    let dy = Int(random.next() % span) - shift
                    for y in 0..<rows {
                        let sourceY = y - dy
                        for x in 0..<columns {
                            let sourceX = x - dx
                            if sourceY >= 0, sourceY < rows, sourceX >= 0, sourceX < columns {
                                out[target + y * columns + x] = table[Int(pixels[source + sourceY * columns + sourceX])]
                            } else {
                                out[target + y * columns + x] = zero
                            }
                        }
                    }
                }
            }
        }
    }
}
