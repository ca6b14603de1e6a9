import FNNMath
import FNNModel

/// The forward pass from 8-bit images, used by every command that classifies (evaluate,
/// predict, watch): pixels become inputs through the input contract's table, and the
/// first layer multiplies only the pixels a batch actually uses. MNIST-style digits are
/// about 80 % background, and a background pixel adds nothing to any neuron when the
/// contract maps it to 0 (when it does not, every pixel is used). The first layer's
/// weights are kept transposed (one contiguous row per pixel) so those rows are cheap to
/// gather; the products go through `affineProduct` and BLAS.
package struct PixelNetwork<Scalar: NetworkScalar>: Sendable {
    let network: DenseNetwork<Scalar>
    /// Layer 1's weights, `inputSize × outputSize`.
    let firstWeights: [Scalar]
    /// The network input for each pixel value.
    let table: [Scalar]

    /// Images per product: small enough that many pixels are unused by all of them.
    package static var batchSize: Int { 32 }

    package init(_ network: DenseNetwork<Scalar>, contract: InputContract) {
        self.network = network
        let first = network.layers[0]
        firstWeights = transposed(first.weights, rows: first.outputSize, columns: first.inputSize)
        table = contract.table(Scalar.self)
    }

    /// The outputs for images `range` of `pixels` (`inputSize` bytes each).
    ///
    /// - Complexity: O(images × (active pixels × first-layer width + other parameters)).
    package func forward(_ pixels: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Matrix<Scalar> {
        let first = network.layers[0]
        let width = first.inputSize
        let outputs = first.outputSize
        let rows = range.count
        var used = [UInt8](repeating: 0, count: width)
        var active: [Int] = []
        ActiveInputs.columns(
            of: pixels, offsets: range.lazy.map { $0 &* width }, width: width, backgroundInput: table.first ?? 0, used: &used,
            into: &active)
        let k = active.count
        var compactInput = [Scalar](repeating: 0, count: rows * k)
        var compactWeights = [Scalar](repeating: 0, count: k * outputs)
        var z = Matrix<Scalar>(rows: rows, columns: outputs)
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
        compactInput.withUnsafeBufferPointer { a in
            compactWeights.withUnsafeBufferPointer { w in
                first.biases.withUnsafeBufferPointer { b in
                    z.elements.withUnsafeMutableBufferPointer { out in
                        affineProduct(a, rows: rows, inner: k, weights: w, transposed: false, biases: b, into: out)
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
