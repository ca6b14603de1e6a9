import FNNImage
import FNNSupport

/// Where `--save-normalized` writes the 28 × 28 digit the network saw for each image: at
/// the image's path relative to the folder it was found in, as PNG.
package struct NormalizedImageFolder: Sendable {
    package let root: String

    package init(_ root: String) {
        self.root = root
    }

    /// The file the digit of `result` goes to.
    package func target(for result: PredictionResult) -> String {
        var relative = result.relativePath
        if !relative.lowercased().hasSuffix(".png") { relative += ".png" }
        return root + "/" + relative
    }

    /// Writes the digit of every classified result (atomically; an existing file is replaced).
    package func save(_ results: [PredictionResult]) throws(FileAccessError) {
        for result in results {
            guard case .success(let prediction) = result.outcome else { continue }
            let target = target(for: result)
            try FileSystem.createDirectories(AtomicFile.parentFolder(of: target))
            let png: [UInt8]
            do {
                png = try PNGCodec.encode(GrayImage(width: 28, height: 28, pixels: prediction.normalized))
            } catch {
                throw FileAccessError(path: target, message: "cannot be encoded as PNG (\(error))")
            }
            try AtomicFile.write(png, to: target, overwrite: true)
        }
    }
}
