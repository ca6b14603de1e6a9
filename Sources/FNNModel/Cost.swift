/// The cost a network was trained to minimise.
public enum Cost: String, Sendable, CaseIterable, Codable {
    /// `½ Σ (a − y)²`, the classic choice.
    case quadratic
    /// Cross-entropy: with a softmax output, the log-likelihood `−Σ y ln a`.
    case crossEntropy = "cross-entropy"

    /// The code that stands for this cost in a model file.
    public var code: UInt8 {
        switch self {
        case .quadratic: 1
        case .crossEntropy: 2
        }
    }

    /// The cost a model file's code stands for, or `nil` for an unknown code.
    public init?(code: UInt8) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}
