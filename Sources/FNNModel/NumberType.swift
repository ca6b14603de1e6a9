/// How a tensor's elements are stored in a model file.
public enum NumberType: String, Sendable, CaseIterable, Codable {
    case f64
    case f32
    case f16
    /// 8-bit integers times a per-tensor `f32` scale.
    case int8

    /// The code that stands for this number type in a model file.
    public var code: UInt8 {
        switch self {
        case .f64: 1
        case .f32: 2
        case .f16: 3
        case .int8: 4
        }
    }

    /// The number type a model file's code stands for, or `nil` for an unknown code.
    public init?(code: UInt8) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }

    /// Bytes per stored element.
    public var byteWidth: Int {
        switch self {
        case .f64: 8
        case .f32: 4
        case .f16: 2
        case .int8: 1
        }
    }
}
