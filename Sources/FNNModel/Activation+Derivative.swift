import FNNMath

extension Activation {
    /// Multiplies `delta` element-wise by the activation's derivative `f'(z)`, written in
    /// terms of the activation `a = f(z)` (sigmoid: `a(1 − a)`, tanh: `1 − a²`,
    /// relu: 1 where `a > 0`).
    ///
    /// Softmax is not element-wise; its Jacobian is applied by `Cost.outputError`.
    /// - Complexity: O(elements).
    package func multiplyByDerivative<Scalar: NetworkScalar>(
        _ delta: inout Matrix<Scalar>, activations: Matrix<Scalar>
    ) {
        precondition(delta.elements.count == activations.elements.count, "shapes differ")
        activations.elements.withUnsafeBufferPointer { a in
            delta.elements.withUnsafeMutableBufferPointer { d in
                switch self {
                case .sigmoid:
                    for index in d.indices { d[index] *= a[index] * (1 - a[index]) }
                case .tanh:
                    for index in d.indices { d[index] *= 1 - a[index] * a[index] }
                case .relu:
                    for index in d.indices where a[index] <= 0 { d[index] = 0 }
                case .softmax:
                    preconditionFailure("softmax is only allowed on the output layer")
                }
            }
        }
    }
}
