/// The affine step of a dense layer, `z = a·op(W) + b` for every row `a`: the biases are
/// written into each row of `z`, then one BLAS product adds `a·op(W)` (β = 1). Every
/// forward pass in fnn (inference, its pixel-compacted first layer, and backpropagation's
/// forward half) goes through this one function.
///
/// - Parameters:
///   - a: `rows × inner`, row-major.
///   - weights: `outputs × inner` when `transposed` (a model's layout, row `j` holding
///     the weights into neuron `j`), else `inner × outputs`.
///   - biases: `outputs` values.
///   - z: `rows × outputs`, overwritten.
/// - Complexity: O(rows × inner × outputs), one BLAS product.
package func affineProduct<Scalar: NetworkScalar>(
    _ a: UnsafeBufferPointer<Scalar>, rows: Int, inner: Int, weights: UnsafeBufferPointer<Scalar>, transposed: Bool,
    biases: UnsafeBufferPointer<Scalar>, into z: UnsafeMutableBufferPointer<Scalar>
) {
    let outputs = biases.count
    for row in 0..<rows {
        let base = row &* outputs
        for column in 0..<outputs { z[base &+ column] = biases[column] }
    }
    guard rows > 0, inner > 0, outputs > 0, let a = a.baseAddress, let w = weights.baseAddress, let c = z.baseAddress
    else { return }
    Scalar.gemm(
        .none, transposed ? .transposed : .none, m: rows, n: outputs, k: inner, alpha: 1, a: a, lda: inner, b: w,
        ldb: transposed ? inner : outputs, beta: 1, c: c, ldc: outputs)
}
