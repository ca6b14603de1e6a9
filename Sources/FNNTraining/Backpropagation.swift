import FNNInference
import FNNMath
import FNNModel

/// The gradient of the summed cost over a mini-batch, by the four equations of
/// backpropagation in matrix form (one row per sample, weights stored transposed as
/// `Wᵀ`, see `TrainingNetwork`):
///
/// 1. output error: `δᴸ = ∇ₐC ⊙ σ'(zᴸ)` (`Cost.outputError`);
/// 2. error of a hidden layer: `δˡ = (δˡ⁺¹ · Wˡ⁺¹) ⊙ σ'(zˡ)`;
/// 3. bias gradient: `∂C/∂bˡ = Σ_samples δˡ`;
/// 4. weight gradient: `∂C/∂Wˡ = (δˡ)ᵀ · aˡ⁻¹`, kept transposed as `(aˡ⁻¹)ᵀ · δˡ`.
///
/// The products go through BLAS, and the buffers are kept between batches, so a training
/// loop allocates nothing per batch.
///
/// The input layer works on the batch's *active* inputs only: pixels that are zero in
/// every sample of the batch add nothing to `z¹` and get a zero gradient, so they are left
/// out of both products (MNIST images are about 80 % background). Its weight gradient is
/// compact: row `r` of `weightGradients[0]` is the gradient of the weights out of input
/// `activeInputs[r]`.
package struct Backpropagation<Scalar: NetworkScalar>: Sendable {
    /// Activations per layer, `activations[0]` being the input batch.
    package private(set) var activations: [Matrix<Scalar>]
    /// Errors δ per layer (index `l` for the output of layer `l + 1`).
    private var deltas: [Matrix<Scalar>]
    /// `(∂C/∂W)ᵀ` per layer, `inputSize × outputSize`, summed over the batch (compact for
    /// the input layer).
    package private(set) var weightGradients: [[Scalar]]
    /// `∂C/∂b` per layer, summed over the batch.
    package private(set) var biasGradients: [[Scalar]]
    /// The inputs that are non-zero in at least one sample of the last batch.
    package private(set) var activeInputs: [Int]
    /// The active columns of the input batch, `batchSize × activeInputs.count`.
    private var compactInput: [Scalar]
    /// Per input, whether it is active (scratch space).
    private var used: [UInt8]
    /// The active rows of the input layer's `Wᵀ`, `activeInputs.count × outputSize`.
    private var compactWeights: [Scalar]
    package let batchSize: Int

    /// Buffers for batches of `batchSize` samples through `network`.
    package init(network: TrainingNetwork<Scalar>, batchSize: Int) {
        self.batchSize = batchSize
        activations = [Matrix(rows: batchSize, columns: network.inputSize)]
            + network.layers.map { Matrix(rows: batchSize, columns: $0.outputSize) }
        deltas = network.layers.map { Matrix(rows: batchSize, columns: $0.outputSize) }
        weightGradients = network.layers.map { [Scalar](repeating: 0, count: $0.weights.count) }
        biasGradients = network.layers.map { [Scalar](repeating: 0, count: $0.biases.count) }
        activeInputs = []
        activeInputs.reserveCapacity(network.inputSize)
        compactInput = [Scalar](repeating: 0, count: batchSize * network.inputSize)
        used = [UInt8](repeating: 0, count: network.inputSize)
        compactWeights = [Scalar](repeating: 0, count: network.layers.first?.weights.count ?? 0)
    }

    /// Whether `compactInput` and `activeInputs` already hold the batch (set from pixels).
    private var inputIsCompact = false

    /// The input batch: fill `activations[0]` row by row before calling `run`.
    package mutating func withInput<R>(_ body: (inout Matrix<Scalar>) -> R) -> R {
        inputIsCompact = false
        return body(&activations[0])
    }

    /// Sets the input batch straight from 8-bit images, one per row, each `inputSize`
    /// bytes at `images[offset...]`, mapped through `table` (the input contract). Only
    /// the active columns are ever converted.
    ///
    /// - Complexity: O(rows × inputSize) byte operations, plus O(rows × active) conversions.
    package mutating func setInput(
        images: UnsafeBufferPointer<UInt8>, offsets: some Collection<Int>, table: UnsafeBufferPointer<Scalar>
    ) {
        precondition(offsets.count == batchSize, "a batch must fill the buffers")
        let width = used.count
        ActiveInputs.columns(
            of: images, offsets: offsets, width: width, backgroundInput: table.first ?? 0, used: &used, into: &activeInputs)
        let k = activeInputs.count
        activeInputs.withUnsafeBufferPointer { active in
            compactInput.withUnsafeMutableBufferPointer { out in
                for (row, offset) in offsets.enumerated() {
                    let base = row &* k
                    for position in 0..<k { out[base &+ position] = table[Int(images[offset &+ active[position]])] }
                }
            }
        }
        inputIsCompact = true
    }

    /// `∂C/∂W` of a layer as a full `outputSize × inputSize` matrix, as a model stores it.
    package func weightGradient(layer index: Int, of network: TrainingNetwork<Scalar>) -> [Scalar] {
        let layer = network.layers[index]
        var dense = [Scalar](repeating: 0, count: layer.weights.count)
        let rows = index == 0 ? activeInputs : Array(0..<layer.inputSize)
        for (position, input) in rows.enumerated() {
            for output in 0..<layer.outputSize {
                dense[output * layer.inputSize + input] = weightGradients[index][position * layer.outputSize + output]
            }
        }
        return dense
    }

    /// Runs the batch forward and backward, leaving the gradients in `weightGradients`
    /// and `biasGradients`.
    ///
    /// - Parameter labels: one class per row of the input.
    /// - Returns: the summed cost and the number of correct predictions, before the update.
    /// - Complexity: O(batch × parameters).
    @discardableResult
    package mutating func run(
        _ network: TrainingNetwork<Scalar>, labels: [Int], cost: Cost
    ) -> (cost: Double, correct: Int) {
        precondition(labels.count == batchSize, "a batch must fill the buffers")
        let layerCount = network.layers.count
        // Forward: zˡ = aˡ⁻¹·Wᵀ + b, aˡ = σ(zˡ), kept for the backward pass.
        gatherActiveInputs(network.layers[0])
        Self.product(
            compactInput, compactWeights, rows: batchSize, inner: activeInputs.count, biases: network.layers[0].biases,
            into: &activations[1])
        network.layers[0].activation.apply(to: &activations[1])
        for index in 1..<layerCount {
            let layer = network.layers[index]
            Self.product(
                activations[index].elements, layer.weights, rows: batchSize, inner: layer.inputSize,
                biases: layer.biases, into: &activations[index + 1])
            layer.activation.apply(to: &activations[index + 1])
        }
        let outputs = activations[layerCount]
        let outputActivation = network.layers[layerCount - 1].activation
        let totalCost = cost.total(outputs: outputs, labels: labels, outputActivation: outputActivation)
        let correct = zip(outputs.argmaxPerRow(), labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }

        // Equation 1.
        cost.outputError(outputs: outputs, labels: labels, outputActivation: outputActivation, into: &deltas[layerCount - 1])
        for index in stride(from: layerCount - 1, through: 0, by: -1) {
            let layer = network.layers[index]
            // Equations 3 and 4.
            let input = index == 0 ? compactInput : activations[index].elements
            let inputs = index == 0 ? activeInputs.count : layer.inputSize
            Self.gradients(
                delta: deltas[index].elements, input: input, rows: batchSize, inputs: inputs,
                outputs: layer.outputSize, weights: &weightGradients[index], biases: &biasGradients[index])
            // Equation 2, for the layer below.
            if index > 0 {
                Self.propagate(deltas[index].elements, through: layer, rows: batchSize, into: &deltas[index - 1])
                network.layers[index - 1].activation.multiplyByDerivative(&deltas[index - 1], activations: activations[index])
            }
        }
        return (totalCost, correct)
    }

    /// Finds the inputs that are non-zero somewhere in the batch and gathers their columns
    /// of the batch and their rows of the input layer's `Wᵀ`.
    private mutating func gatherActiveInputs(_ layer: TrainingNetwork<Scalar>.TrainingLayer) {
        let rows = batchSize
        let width = layer.inputSize
        let outputs = layer.outputSize
        if !inputIsCompact {
            activeInputs.removeAll(keepingCapacity: true)
            activations[0].elements.withUnsafeBufferPointer { x in
                used.withUnsafeMutableBufferPointer { used in
                    // Row by row, so the scan reads memory in order.
                    for column in 0..<width { used[column] = 0 }
                    for row in 0..<rows {
                        let base = row &* width
                        for column in 0..<width where x[base &+ column] != 0 { used[column] = 1 }
                    }
                    for column in 0..<width where used[column] != 0 { activeInputs.append(column) }
                }
            }
            let k = activeInputs.count
            activeInputs.withUnsafeBufferPointer { active in
                activations[0].elements.withUnsafeBufferPointer { x in
                    compactInput.withUnsafeMutableBufferPointer { out in
                        for row in 0..<rows {
                            for position in 0..<k { out[row &* k &+ position] = x[row &* width &+ active[position]] }
                        }
                    }
                }
            }
        }
        let k = activeInputs.count
        activeInputs.withUnsafeBufferPointer { active in
            layer.weights.withUnsafeBufferPointer { w in
                compactWeights.withUnsafeMutableBufferPointer { out in
                    for position in 0..<k {
                        let target = position &* outputs
                        let source = active[position] &* outputs
                        for column in 0..<outputs { out[target &+ column] = w[source &+ column] }
                    }
                }
            }
        }
    }

    /// `z = a·Wᵀ + b` with `a` of `rows × inner` and `Wᵀ` of `inner × outputs`.
    private static func product(
        _ a: [Scalar], _ weights: [Scalar], rows: Int, inner: Int, biases: [Scalar], into z: inout Matrix<Scalar>
    ) {
        a.withUnsafeBufferPointer { a in
            weights.withUnsafeBufferPointer { w in
                biases.withUnsafeBufferPointer { b in
                    z.elements.withUnsafeMutableBufferPointer { out in
                        affineProduct(a, rows: rows, inner: inner, weights: w, transposed: false, biases: b, into: out)
                    }
                }
            }
        }
    }

    /// `(∂C/∂W)ᵀ = aᵀ·δ` and `∂C/∂b = Σ δ` over the batch.
    private static func gradients(
        delta: [Scalar], input: [Scalar], rows: Int, inputs: Int, outputs: Int, weights: inout [Scalar],
        biases: inout [Scalar]
    ) {
        delta.withUnsafeBufferPointer { d in
            if inputs > 0 {
                input.withUnsafeBufferPointer { a in
                    weights.withUnsafeMutableBufferPointer { g in
                        guard let d = d.baseAddress, let a = a.baseAddress, let g = g.baseAddress else { return }
                        Scalar.gemm(
                            .transposed, .none, m: inputs, n: outputs, k: rows, alpha: 1, a: a, lda: inputs, b: d,
                            ldb: outputs, beta: 0, c: g, ldc: outputs)
                    }
                }
            }
            biases.withUnsafeMutableBufferPointer { b in
                for column in 0..<outputs { b[column] = 0 }
                for row in 0..<rows {
                    for column in 0..<outputs { b[column] += d[row &* outputs &+ column] }
                }
            }
        }
    }

    /// `δˡ⁻¹ ← δˡ·W` (before the derivative factor), with `W` stored as `Wᵀ`.
    private static func propagate(
        _ delta: [Scalar], through layer: TrainingNetwork<Scalar>.TrainingLayer, rows: Int, into below: inout Matrix<Scalar>
    ) {
        delta.withUnsafeBufferPointer { d in
            layer.weights.withUnsafeBufferPointer { w in
                below.elements.withUnsafeMutableBufferPointer { out in
                    guard let d = d.baseAddress, let w = w.baseAddress, let out = out.baseAddress else { return }
                    Scalar.gemm(
                        .none, .transposed, m: rows, n: layer.inputSize, k: layer.outputSize, alpha: 1, a: d,
                        lda: layer.outputSize, b: w, ldb: layer.outputSize, beta: 0, c: out, ldc: layer.inputSize)
                }
            }
        }
    }
}
