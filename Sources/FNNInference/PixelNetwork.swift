import FNNMath
import FNNModel

/// A binary32 network that reads 8-bit images directly and, in its first layer,
/// multiplies only the pixels a batch actually uses: MNIST-style digits are about 80 %
/// background, and a background pixel adds nothing to any neuron when the input contract
/// maps it to 0 (when it does not, every pixel is used). The first layer's
/// weights are kept transposed (one contiguous row per pixel) so those rows are cheap to
/// gather; the products go through BLAS.
struct PixelNetwork: Sendable {
    let network: DenseNetwork<Float>
    /// Layer 1's weights, `inputSize × outputSize`.
    let firstWeights: [Float]
    /// The network input for each pixel value.
    let table: [Float]

    /// Images per product: small enough that many pixels are unused by all of them.
    static let batchSize = 32

    init(_ network: DenseNetwork<Float>, contract: InputContract) {
        self.network = network
        let first = network.layers[0]
        firstWeights = transposed(first.weights, rows: first.outputSize, columns: first.inputSize)
        table = contract.table(Float.self)
    }

    /// The outputs for images `range` of `pixels` (`inputSize` bytes each).
    ///
    /// - Complexity: O(images × (active pixels × first-layer width + other parameters)).
    func forward(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Matrix<Float> {
        let first = network.layers[0]
        let width = first.inputSize
        let outputs = first.outputSize
        let rows = range.count
        var used = [UInt8](repeating: 0, count: width)
        var active: [Int] = []
        active.reserveCapacity(width)
        if let background = table.first, background != 0 {
            // The contract maps background to a non-zero input, so no pixel can be skipped.
            active.append(contentsOf: 0..<width)
        } else {
            used.withUnsafeMutableBufferPointer { used in
                for image in range {
                    let base = image &* width
                    for column in 0..<width { used[column] |= pixels[base &+ column] }
                }
                for column in 0..<width where used[column] != 0 { active.append(column) }
            }
        }
        let k = active.count
        var compactInput = [Float](repeating: 0, count: rows * k)
        var compactWeights = [Float](repeating: 0, count: k * outputs)
        var z = Matrix<Float>(rows: rows, columns: outputs)
        active.withUnsafeBufferPointer { active in
            table.withUnsafeBufferPointer { table in
                compactInput.withUnsafeMutableBufferPointer { out in
                    for (row, image) in range.enumerated() {
                        let base = image &* width
                        for position in 0..<k { out[row &* k &+ position] = table[Int(pixels[base &+ active[position]])] }
                    }
                }
            }
            firstWeights.withUnsafeBufferPointer { w in
                compactWeights.withUnsafeMutableBufferPointer { out in
                    for position in 0..<k {
                        let source = active[position] &* outputs
                        let target = position &* outputs
                        for column in 0..<outputs { out[target &+ column] = w[source &+ column] }
                    }
                }
            }
        }
        z.elements.withUnsafeMutableBufferPointer { values in
            first.biases.withUnsafeBufferPointer { b in
                for row in 0..<rows {
                    for column in 0..<outputs { values[row &* outputs &+ column] = b[column] }
                }
            }
            guard k > 0, let c = values.baseAddress else { return }
            compactInput.withUnsafeBufferPointer { a in
                compactWeights.withUnsafeBufferPointer { w in
                    guard let a = a.baseAddress, let w = w.baseAddress else { return }
                    Float.gemm(.none, .none, m: rows, n: outputs, k: k, alpha: 1, a: a, lda: k, b: w, ldb: outputs, beta: 1, c: c, ldc: outputs)
                }
            }
        }
        first.activation.apply(to: &z)
        for layer in network.layers.dropFirst() {
            z = DenseNetwork.weightedInput(layer, z)
            layer.activation.apply(to: &z)
        }
        return z
    }
}
