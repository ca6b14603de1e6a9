import FNNSupport

/// Reads PNG files as grey images, compositing transparency onto a background that
/// keeps the digit visible.
public struct PNGDecoder: Sendable {
    public var limits: PNGLimits

    public init(limits: PNGLimits = .standard) {
        self.limits = limits
    }

    /// Reads and decodes the PNG file at `path`.
    public func read(_ path: String) throws(ImageError) -> GrayImage {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maximumFileSize)
        } catch {
            let tooLarge = error.code == .tooLarge
            throw ImageError(
                tooLarge ? .tooLarge : .unreadable,
                tooLarge ? "too large: \(error.message) (--max-file-size)" : error.message)
        }
        return try decode(bytes)
    }

    /// Decodes PNG bytes.
    ///
    /// Transparent pixels are composited onto a background chosen against the opaque
    /// ones: white behind a dark drawing, black behind a light one. (libpng, given no
    /// background, composites onto black, and a dark digit on a transparent canvas
    /// vanishes.)
    public func decode(_ bytes: [UInt8]) throws(ImageError) -> GrayImage {
        let decoded = try PNGCodec.decode(bytes, limits: limits)
        let count = decoded.width * decoded.height
        var pixels = [UInt8](repeating: 0, count: count)
        decoded.samples.withUnsafeBufferPointer { samples in
            pixels.withUnsafeMutableBufferPointer { out in
                var transparent = false
                if decoded.hasAlpha {
                    for index in 0..<count where samples[2 &* index &+ 1] != 255 {
                        transparent = true
                        break
                    }
                }
                guard transparent else {
                    for index in 0..<count { out[index] = samples[2 &* index] }
                    return
                }
                // Mean grey of the (mostly) opaque pixels decides the background.
                var sum = 0
                var weight = 0
                for index in 0..<count {
                    let alpha = Int(samples[2 &* index &+ 1])
                    sum &+= Int(samples[2 &* index]) &* alpha
                    weight &+= alpha
                }
                let background = weight == 0 || sum / max(weight, 1) < 128 ? 255 : 0
                for index in 0..<count {
                    let gray = Int(samples[2 &* index])
                    let alpha = Int(samples[2 &* index &+ 1])
                    out[index] = UInt8((gray &* alpha &+ background &* (255 &- alpha) &+ 127) / 255)
                }
            }
        }
        return GrayImage(width: decoded.width, height: decoded.height, pixels: pixels)
    }
}
