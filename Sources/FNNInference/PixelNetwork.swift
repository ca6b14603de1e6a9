import FNNMath
import FNNModel

/// The forward pass from 8-bit images, used by every command that classifies (evaluate,
/// predict, watch, and training's accuracy): pixels become inputs through the input
/// contract's table.
///
/// An image's outputs depend on that image alone, never on which images share its batch
/// or how many they are, so a corpus split into shards, a hot folder's bursts and a
/// single file all give the same numbers to the last bit:
/// - the first layer adds, for each of the image's pixels that is not background, that
///   pixel's input times its row of weights (kept transposed, one contiguous row per
///   pixel), pixel by pixel in increasing order. MNIST-style digits are about 80 %
///   background, and a background pixel adds nothing when the contract maps it to 0.
///   When it does not, every pixel is used, through one product over all of them;
/// - every later product has exactly `batchSize` rows (a short batch is padded), so BLAS
///   takes the same path for every batch.
package struct PixelNetwork<Scalar: NetworkScalar>: Sendable {
    let network: DenseNetwork<Scalar>
    /// Layer 1's weights, `inputSize × outputSize`.
    let firstWeights: [Scalar]
    /// The network input for each pixel value.
    let table: [Scalar]

    /// Images per product.
    package static var batchSize: Int { 32 }

    package init(_ network: DenseNetwork<Scalar>, contract: InputContract) {
        self.network = network
        let first = network.layers[0]
        firstWeights = transposed(first.weights, rows: first.outputSize, columns: first.inputSize)
        table = contract.table(Scalar.self)
    }

    /// The outputs for images `range` of `pixels` (`inputSize` bytes each).
    ///
    /// - Complexity: O(images × (non-background pixels × first-layer width + other
    ///   parameters)).
    package func forward(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Matrix<Scalar> {
        let width = network.outputSize
        var result = Matrix<Scalar>(rows: range.count, columns: width)
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + Self.batchSize, range.upperBound)
            let batch = forwardBatch(pixels, start..<end)
            let offset = (start - range.lowerBound) * width
            for index in 0..<((end - start) * width) { result.elements[offset + index] = batch.elements[index] }
            start = end
        }
        return result
    }

    /// The outputs of `batchSize` rows, the first `range.count` of them images `range`.
    private func forwardBatch(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Matrix<Scalar> {
        let first = network.layers[0]
        let width = first.inputSize
        let outputs = first.outputSize
        let rows = Self.batchSize
        var z = Matrix<Scalar>(rows: rows, columns: outputs)
        if table.first == 0 {
            z.elements.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return }
                for row in 0..<rows {
                    for column in 0..<outputs { out[row &* outputs &+ column] = first.biases[column] }
                }
                firstWeights.withUnsafeBufferPointer { weights in
                    guard let weights = weights.baseAddress else { return }
                    for (row, image) in range.enumerated() {
                        let pixelsStart = image &* width
                        let target = base + row &* outputs
                        for position in 0..<width {
                            let value = pixels[pixelsStart &+ position]
                            guard value != 0 else { continue }
                            Scalar.axpy(n: outputs, alpha: table[Int(value)], x: weights + position &* outputs, y: target)
                        }
                    }
                }
            }
        } else {
            var input = [Scalar](repeating: 0, count: rows &* width)
            for (row, image) in range.enumerated() {
                for position in 0..<width { input[row &* width &+ position] = table[Int(pixels[image &* width &+ position])] }
            }
            input.withUnsafeBufferPointer { a in
                firstWeights.withUnsafeBufferPointer { w in
                    first.biases.withUnsafeBufferPointer { b in
                        z.elements.withUnsafeMutableBufferPointer { out in
                            affineProduct(a, rows: rows, inner: width, weights: w, transposed: false, biases: b, into: out)
                        }
                    }
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
