/// The gradient of the summed cost over a mini-batch, by the four equations of
/// backpropagation in matrix form (one row per sample):
///
/// 1. output error: `δᴸ = ∇ₐC ⊙ σ'(zᴸ)` (`Cost.outputError`);
/// 2. error of a hidden layer: `δˡ = (δˡ⁺¹ · Wˡ⁺¹) ⊙ σ'(zˡ)`;
/// 3. bias gradient: `∂C/∂bˡ = Σ_samples δˡ`;
/// 4. weight gradient: `∂C/∂Wˡ = (δˡ)ᵀ · aˡ⁻¹`.
///
/// The products go through BLAS. The buffers are kept between batches, so a training
/// loop allocates nothing per batch.
public struct Backpropagation<Scalar: NetworkScalar>: Sendable {
    /// Activations per layer, `activations[0]` being the input batch.
    public private(set) var activations: [Matrix<Scalar>]
    /// Errors δ per layer (index `l` for layer `l + 1`'s output).
    private var deltas: [Matrix<Scalar>]
    /// `∂C/∂W` per layer, `outputSize × inputSize`, summed over the batch.
    public private(set) var weightGradients: [[Scalar]]
    /// `∂C/∂b` per layer, summed over the batch.
    public private(set) var biasGradients: [[Scalar]]
    public let batchSize: Int

    /// Buffers for batches of up to `batchSize` samples through `network`.
    public init(network: DenseNetwork<Scalar>, batchSize: Int) {
        self.batchSize = batchSize
        activations = [Matrix(rows: batchSize, columns: network.inputSize)]
            + network.layers.map { Matrix(rows: batchSize, columns: $0.outputSize) }
        deltas = network.layers.map { Matrix(rows: batchSize, columns: $0.outputSize) }
        weightGradients = network.layers.map { [Scalar](repeating: 0, count: $0.weights.count) }
        biasGradients = network.layers.map { [Scalar](repeating: 0, count: $0.biases.count) }
    }

    /// The input batch: fill `activations[0]` row by row before calling `run`.
    public mutating func withInput<R>(_ body: (inout Matrix<Scalar>) -> R) -> R {
        body(&activations[0])
    }

    /// Runs the batch forward and backward, leaving the gradients in `weightGradients`
    /// and `biasGradients`.
    ///
    /// - Parameters:
    ///   - labels: one class per row of the input; their count is the batch's size.
    /// - Returns: the summed cost and the number of correct predictions, before the update.
    /// - Complexity: O(batch × parameters).
    @discardableResult
    public mutating func run(
        _ network: DenseNetwork<Scalar>, labels: [Int], cost: Cost
    ) -> (cost: Double, correct: Int) {
        precondition(labels.count == batchSize, "a batch must fill the buffers")
        let layerCount = network.layers.count
        // Forward: zˡ = aˡ⁻¹·Wᵀ + b, aˡ = σ(zˡ), kept for the backward pass.
        for (index, layer) in network.layers.enumerated() {
            DenseNetwork.weightedInput(layer, activations[index], into: &activations[index + 1])
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
            Self.accumulateGradients(
                delta: deltas[index], input: activations[index], weights: &weightGradients[index],
                biases: &biasGradients[index], layer: layer)
            // Equation 2, for the layer below.
            if index > 0 {
                Self.propagate(delta: deltas[index], through: layer, into: &deltas[index - 1])
                network.layers[index - 1].activation.multiplyByDerivative(&deltas[index - 1], activations: activations[index])
            }
        }
        return (totalCost, correct)
    }

    /// `∂C/∂W = δᵀ·a` and `∂C/∂b = Σ δ` over the batch.
    private static func accumulateGradients(
        delta: Matrix<Scalar>, input: Matrix<Scalar>, weights: inout [Scalar], biases: inout [Scalar],
        layer: DenseNetwork<Scalar>.DenseLayer
    ) {
        let rows = delta.rows
        delta.elements.withUnsafeBufferPointer { d in
            input.elements.withUnsafeBufferPointer { a in
                weights.withUnsafeMutableBufferPointer { g in
                    guard let d = d.baseAddress, let a = a.baseAddress, let g = g.baseAddress else { return }
                    Scalar.gemm(
                        .transposed, .none, m: layer.outputSize, n: layer.inputSize, k: rows, alpha: 1, a: d,
                        lda: layer.outputSize, b: a, ldb: layer.inputSize, beta: 0, c: g, ldc: layer.inputSize)
                }
            }
            biases.withUnsafeMutableBufferPointer { b in
                for column in 0..<layer.outputSize { b[column] = 0 }
                for row in 0..<rows {
                    let base = row * layer.outputSize
                    for column in 0..<layer.outputSize { b[column] += d[base + column] }
                }
            }
        }
    }

    /// `δˡ⁻¹ ← δˡ·W` (before the derivative factor).
    private static func propagate(
        delta: Matrix<Scalar>, through layer: DenseNetwork<Scalar>.DenseLayer, into below: inout Matrix<Scalar>
    ) {
        let rows = delta.rows
        delta.elements.withUnsafeBufferPointer { d in
            layer.weights.withUnsafeBufferPointer { w in
                below.elements.withUnsafeMutableBufferPointer { out in
                    guard let d = d.baseAddress, let w = w.baseAddress, let out = out.baseAddress else { return }
                    Scalar.gemm(
                        .none, .none, m: rows, n: layer.inputSize, k: layer.outputSize, alpha: 1, a: d,
                        lda: layer.outputSize, b: w, ldb: layer.inputSize, beta: 0, c: out, ldc: layer.inputSize)
                }
            }
        }
    }
}
