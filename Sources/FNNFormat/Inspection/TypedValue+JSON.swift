import FNNModel
import FNNSupport

extension TypedValue {
    /// The value as plain JSON.
    package var json: JSONValue {
        switch self {
        case .bool(let value): .bool(value)
        case .int64(let value): .int(Int(value))
        case .uint64(let value): value <= UInt64(Int.max) ? .int(Int(value)) : .string(String(value))
        case .float64(let value): .number(value)
        case .string(let value): .string(value)
        case .float64Array(let values): .array(values.map { .number($0) })
        case .stringArray(let values): .array(values.map { .string($0) })
        }
    }
}
