/// The caps applied to every PNG before anything large is allocated.
public struct PNGLimits: Sendable, Equatable {
    /// The largest file read, in bytes.
    public var maximumFileSize: Int
    /// The largest width × height decoded.
    public var maximumPixels: Int

    /// 64 MiB and 16 megapixels.
    public static let standard = PNGLimits(maximumFileSize: 64 << 20, maximumPixels: 16_000_000)

    public init(maximumFileSize: Int, maximumPixels: Int) {
        self.maximumFileSize = maximumFileSize
        self.maximumPixels = maximumPixels
    }
}
