/// A known key in a key-value chunk held a value of the wrong type.
public struct KeyValueTypeError: Error, Sendable, CustomStringConvertible {
    public var key: String
    public var expected: String
    public var found: String

    public var description: String { "key \(key) holds \(found); expected \(expected)" }
}

/// Takes known keys out of a key-value dictionary, checking their types; what is left
/// over is kept as unknown entries.
struct KeyValueFields {
    private(set) var remaining: [String: TypedValue]

    init(_ entries: [String: TypedValue]) {
        remaining = entries
    }

    private mutating func take<T>(
        _ key: String, _ expected: String, _ extract: (TypedValue) -> T?
    ) throws(KeyValueTypeError) -> T? {
        guard let value = remaining.removeValue(forKey: key) else { return nil }
        guard let result = extract(value) else {
            throw KeyValueTypeError(key: key, expected: expected, found: value.typeName)
        }
        return result
    }

    mutating func double(_ key: String) throws(KeyValueTypeError) -> Double? {
        try take(key, "float64") { if case .float64(let v) = $0 { v } else { nil } }
    }

    mutating func int(_ key: String) throws(KeyValueTypeError) -> Int? {
        try take(key, "int64") { if case .int64(let v) = $0 { Int(v) } else { nil } }
    }

    mutating func uint64(_ key: String) throws(KeyValueTypeError) -> UInt64? {
        try take(key, "uint64") { if case .uint64(let v) = $0 { v } else { nil } }
    }

    mutating func string(_ key: String) throws(KeyValueTypeError) -> String? {
        try take(key, "string") { if case .string(let v) = $0 { v } else { nil } }
    }

    mutating func strings(_ key: String) throws(KeyValueTypeError) -> [String]? {
        try take(key, "string_array") { if case .stringArray(let v) = $0 { v } else { nil } }
    }

    /// A string naming one case of `E`.
    mutating func choice<E: RawRepresentable>(
        _ key: String, _: E.Type
    ) throws(KeyValueTypeError) -> E? where E.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = E(rawValue: text) else {
            throw KeyValueTypeError(key: key, expected: "a known value", found: "\"\(text)\"")
        }
        return value
    }
}

extension Dictionary where Key == String, Value == TypedValue {
    mutating func set(_ key: String, _ value: Double?) { if let value { self[key] = .float64(value) } }
    mutating func set(_ key: String, _ value: Int?) { if let value { self[key] = .int64(Int64(value)) } }
    mutating func set(_ key: String, _ value: UInt64?) { if let value { self[key] = .uint64(value) } }
    mutating func set(_ key: String, _ value: String?) { if let value { self[key] = .string(value) } }
    mutating func set(_ key: String, _ value: [String]?) { if let value { self[key] = .stringArray(value) } }
}
