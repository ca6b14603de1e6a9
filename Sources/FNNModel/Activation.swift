/// The function a layer applies to its weighted input `z = W·a + b`.
public enum Activation: String, Sendable, CaseIterable, Codable {
    case sigmoid
    case tanh
    case relu
    /// Normalised exponentials over the whole layer; allowed on the output layer only.
    case softmax

    /// The code that stands for this activation in a model file.
    public var code: UInt8 {
        switch self {
        case .sigmoid: 1
        case .tanh: 2
        case .relu: 3
        case .softmax: 4
        }
    }

    /// The activation a model file's code stands for, or `nil` for an unknown code.
    public init?(code: UInt8) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}
