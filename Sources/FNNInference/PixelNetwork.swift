import FNNMath
import FNNModel

/// The forward pass from 8-bit images, used by every command that classifies (evaluate,
/// predict, watch, serve, and training's accuracy): pixels become inputs through the
/// input contract's table.
///
/// An image's outputs depend on that image alone, never on which images share its batch,
/// where in the batch it sits, or how many they are, so a corpus split into shards, a hot
/// folder's bursts, an HTTP request and a single file all give the same numbers to the
/// last bit. So no layer goes through a BLAS matrix product, whose kernels may sum a row
/// differently by its position in the block (OpenBLAS's Haswell sgemm does: measured on
/// an AMD EPYC, where the same image gave outputs differing in the last bits by batch):
/// - the first layer adds, for each of the image's pixels whose input is not 0, that
///   input times the pixel's row of weights (kept transposed, one contiguous row per
///   pixel), pixel by pixel in increasing order (`axpy`, elementwise). MNIST-style digits
///   are about 80 % background, and a background pixel adds nothing when the contract
///   maps it to 0;
/// - every later layer the same way over the previous layer's activations, neuron by
///   neuron in increasing order (a ReLU's zeros add nothing), for a block of images at
///   once so that each row of weights is read once per block, each image accumulated on
///   its own in the same order whatever the block.
package struct PixelNetwork<Scalar: NetworkScalar>: Sendable {
    let network: DenseNetwork<Scalar>
    /// Each layer's weights transposed, `inputSize × outputSize`: row `i` holds the
    /// weights out of input `i`.
    let transposedWeights: [[Scalar]]
    /// The network input for each pixel value.
    let table: [Scalar]

    /// Images per block (for cache reuse of the weights; results do not depend on it).
    package static var batchSize: Int { 32 }

    package init(_ network: DenseNetwork<Scalar>, contract: InputContract) {
        self.network = network
        transposedWeights = network.layers.map { transposed($0.weights, rows: $0.outputSize, columns: $0.inputSize) }
        table = contract.table(Scalar.self)
    }

    /// The outputs for images `range` of `pixels` (`inputSize` bytes each).
    ///
    /// - Complexity: O(images × (non-zero inputs × first-layer width + other parameters)).
    package func forward(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Matrix<Scalar> {
        let width = network.outputSize
        var result = Matrix<Scalar>(rows: range.count, columns: width)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + Self.batchSize, range.upperBound)
            let batch = forwardBlock(pixels, start..<end)
            let offset = (start - range.lowerBound) * width
            for index in 0..<((end - start) * width) { result.elements[offset + index] = batch.elements[index] }
            start = end
        }
        return result
    }

    /// The outputs of images `range`, one row each.
    private func forwardBlock(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Matrix<Scalar> {
        let first = network.layers[0]
        let width = first.inputSize
        let outputs = first.outputSize
        let rows = range.count
        var z = Matrix<Scalar>(rows: rows, columns: outputs)
        z.elements.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            for row in 0..<rows {
                for column in 0..<outputs { out[row &* outputs &+ column] = first.biases[column] }
            }
            transposedWeights[0].withUnsafeBufferPointer { weights in
                guard let weights = weights.baseAddress else { return }
                for (row, image) in range.enumerated() {
                    let pixelsStart = image &* width
                    let target = base + row &* outputs
                    for position in 0..<width {
                        let input = table[Int(pixels[pixelsStart &+ position])]
                        guard input != 0 else { continue }
                        Scalar.axpy(n: outputs, alpha: input, x: weights + position &* outputs, y: target)
                    }
                }
            }
        }
        first.activation.apply(to: &z)
        for (index, layer) in network.layers.enumerated().dropFirst() {
            z = Self.affine(z, weights: transposedWeights[index], biases: layer.biases)
            layer.activation.apply(to: &z)
        }
        return z
    }

    /// `b + Σᵢ aᵢ · Wᵀ[i]` for every row `a` of `activations`, input by input in increasing
    /// order, each row on its own (plain multiplies and adds, no fused multiply-add, so
    /// every machine gives the same bits).
    static func affine(_ activations: Matrix<Scalar>, weights: [Scalar], biases: [Scalar]) -> Matrix<Scalar> {
        let inputs = activations.columns
        let outputs = biases.count
        let rows = activations.rows
        var z = Matrix<Scalar>(rows: rows, columns: outputs)
        activations.elements.withUnsafeBufferPointer { a in
            weights.withUnsafeBufferPointer { w in
                z.elements.withUnsafeMutableBufferPointer { out in
                    for row in 0..<rows {
                        for column in 0..<outputs { out[row &* outputs &+ column] = biases[column] }
                    }
                    for input in 0..<inputs {
                        let weightsRow = input &* outputs
                        for row in 0..<rows {
                            let value = a[row &* inputs &+ input]
                            guard value != 0 else { continue }
                            let target = row &* outputs
                            for column in 0..<outputs {
                                out[target &+ column] = out[target &+ column] + value * w[weightsRow &+ column]
                            }
                        }
                    }
                }
            }
        }
        return z
    }

    /// Each image's class, or -1 for an image with a NaN or infinite output.
    package func classes(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Int] {
        Classifier.classes(forward(pixels, range))
    }
}

/// Which input columns a batch of 8-bit images uses: those where some image is not
/// background, or every column when the contract's table maps background to a non-zero
/// input. Shared by inference (`PixelNetwork`) and backpropagation's input.
package enum ActiveInputs {
    /// Fills `active` with the used columns of the images at `offsets` (each `width`
    /// bytes of `images`), in increasing order.
    ///
    /// - Parameter used: scratch of `width` bytes.
    /// - Complexity: O(images × width).
    /// - Parameter backgroundInput: what the contract maps a background pixel to.
    package static func columns<Scalar: NetworkScalar>(
        of images: UnsafeBufferPointer<UInt8>, offsets: some Sequence<Int>, width: Int, backgroundInput: Scalar,
        used: inout [UInt8], into active: inout [Int]
    ) {
        active.removeAll(keepingCapacity: true)
        if backgroundInput != 0 {
            active.append(contentsOf: 0..<width)
            return
        }
        used.withUnsafeMutableBufferPointer { used in
            for column in 0..<width { used[column] = 0 }
            for offset in offsets {
                for column in 0..<width { used[column] |= images[offset &+ column] }
            }
            for column in 0..<width where used[column] != 0 { active.append(column) }
        }
    }
}
