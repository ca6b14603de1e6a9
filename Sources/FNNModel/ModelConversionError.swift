/// A model that the requested format version or interchange format cannot hold.
public struct ModelConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Each thing that would be lost or cannot be expressed.
    public var problems: [String]
    /// The target, e.g. "format version 1".
    public var target: String
    /// A hint on how to proceed, if there is one.
    public var hint: String?

    public init(problems: [String], target: String, hint: String? = nil) {
        self.problems = problems
        self.target = target
        self.hint = hint
    }

    public var description: String {
        var text = "\(target) cannot hold this model: " + problems.joined(separator: "; ")
        if let hint { text += ". " + hint }
        return text
    }
}
