import FNNMath

extension Cost {
    /// The total cost of a batch: the sum over samples of `C(a, y)`, where `y` is the
    /// one-hot vector of each sample's label.
    ///
    /// - Complexity: O(samples × outputs).
    package func total<Scalar: NetworkScalar>(
        outputs: Matrix<Scalar>, labels: some Collection<Int>, outputActivation: Activation
    ) -> Double {
        var sum = 0.0
        let columns = outputs.columns
        let tiny = 1e-12
        for (row, label) in labels.enumerated() {
            for column in 0..<columns {
                let a = Double(outputs.elements[row * columns + column])
                let y: Double = column == label ? 1 : 0
                switch self {
                case .quadratic:
                    sum += 0.5 * (a - y) * (a - y)
                case .crossEntropy where outputActivation == .softmax:
                    if y == 1 { sum -= Double.naturalLogarithm(max(a, tiny)) }
                case .crossEntropy:
                    sum -= y * Double.naturalLogarithm(max(a, tiny)) + (1 - y) * Double.naturalLogarithm(max(1 - a, tiny))
                }
            }
        }
        return sum
    }

    /// The output error `δᴸ = ∇ₐC ⊙ σ'(zᴸ)` of a batch (equation 1 of backpropagation),
    /// written into `delta`.
    ///
    /// For cross-entropy with a sigmoid or softmax output the `σ'` factors cancel and
    /// `δᴸ = a − y`. For the quadratic cost `∇ₐC = a − y`; with softmax its Jacobian gives
    /// `δⱼ = aⱼ (gⱼ − Σₖ aₖ gₖ)` with `g = a − y`.
    /// - Complexity: O(samples × outputs).
    package func outputError<Scalar: NetworkScalar>(
        outputs: Matrix<Scalar>, labels: some Collection<Int>, outputActivation: Activation,
        into delta: inout Matrix<Scalar>
    ) {
        let columns = outputs.columns
        delta.elements.withUnsafeMutableBufferPointer { d in
            outputs.elements.withUnsafeBufferPointer { a in
                for (row, label) in labels.enumerated() {
                    let base = row * columns
                    for column in 0..<columns {
                        d[base + column] = a[base + column] - (column == label ? 1 : 0)
                    }
                }
            }
        }
        guard self == .quadratic else { return }
        switch outputActivation {
        case .softmax:
            delta.elements.withUnsafeMutableBufferPointer { d in
                outputs.elements.withUnsafeBufferPointer { a in
                    for row in 0..<outputs.rows {
                        let base = row * columns
                        var dot: Scalar = 0
                        for column in 0..<columns { dot += a[base + column] * d[base + column] }
                        for column in 0..<columns { d[base + column] = a[base + column] * (d[base + column] - dot) }
                    }
                }
            }
        default:
            outputActivation.multiplyByDerivative(&delta, activations: outputs)
        }
    }
}
