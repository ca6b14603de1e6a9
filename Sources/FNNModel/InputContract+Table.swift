import FNNMath

/// The one place that decides how pixels become network inputs: the contract's table,
/// which every path (predict and watch's batched classifier, evaluate's dataset path,
/// backpropagation's input) looks values up in. A path that skips background pixels
/// does so only when the table maps background to 0.
extension InputContract {
    /// The network input for each pixel intensity 0…255.
    package func table<Scalar: NetworkScalar>(_: Scalar.Type) -> [Scalar] {
        (0...255).map { Scalar(scaled(UInt8($0))) }
    }
}
