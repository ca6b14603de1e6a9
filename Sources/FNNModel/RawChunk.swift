/// A chunk this version of fnn does not understand, kept so tools can write it back.
public struct RawChunk: Sendable, Equatable {
    /// Four ASCII letters; lower-case first letter (ancillary) for every kept chunk.
    public var type: String
    public var data: [UInt8]

    public init(type: String, data: [UInt8]) {
        self.type = type
        self.data = data
    }
}
