/// A value in a model file's key-value chunks, with its type.
public enum TypedValue: Sendable, Equatable {
    case bool(Bool)
    case int64(Int64)
    case uint64(UInt64)
    case float64(Double)
    case string(String)
    case float64Array([Double])
    case stringArray([String])

    /// The code that stands for the value's type in a model file.
    public var typeCode: UInt8 {
        switch self {
        case .bool: 1
        case .int64: 2
        case .uint64: 3
        case .float64: 4
        case .string: 5
        case .float64Array: 6
        case .stringArray: 7
        }
    }

    /// The name of the value's type, as the specification and `--json` output spell it.
    public var typeName: String {
        switch self {
        case .bool: "bool"
        case .int64: "int64"
        case .uint64: "uint64"
        case .float64: "float64"
        case .string: "string"
        case .float64Array: "float64_array"
        case .stringArray: "string_array"
        }
    }

    /// The value as people read it.
    public var displayText: String {
        switch self {
        case .bool(let value): String(value)
        case .int64(let value): String(value)
        case .uint64(let value): String(value)
        case .float64(let value): String(value)
        case .string(let value): value
        case .float64Array(let values): "[" + values.map { String($0) }.joined(separator: ", ") + "]"
        case .stringArray(let values): "[" + values.joined(separator: ", ") + "]"
        }
    }
}
