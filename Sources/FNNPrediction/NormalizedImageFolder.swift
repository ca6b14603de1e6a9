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
            try write(prediction.normalized, to: target(for: result))
        }
    }

    /// The file digit `index` (counting from 0, left to right, as in `segments`) of a row
    /// of digits goes to: `<stem>-<index>.png` beside where a single digit's would go.
    package func target(for result: StringResult, segment index: Int) -> String {
        var relative = result.relativePath
        if relative.lowercased().hasSuffix(".png") { relative.removeLast(4) }
        return root + "/" + relative + "-\(index).png"
    }

    /// Writes every digit of every row read (`--segment`), each as its own file.
    package func save(_ results: [StringResult]) throws(FileAccessError) {
        for result in results {
            guard case .success(let reading) = result.outcome else { continue }
            for (index, segment) in reading.segments.enumerated() {
                try write(segment.prediction.normalized, to: target(for: result, segment: index))
            }
        }
    }

    private func write(_ digit: [UInt8], to target: String) throws(FileAccessError) {
        try FileSystem.createDirectories(AtomicFile.parentFolder(of: target))
        let png: [UInt8]
        do {
            png = try PNGCodec.encode(GrayImage(width: 28, height: 28, pixels: digit))
        } catch {
            throw FileAccessError(path: target, message: "cannot be encoded as PNG (\(error))")
        }
        try AtomicFile.write(png, to: target, overwrite: true)
    }
}
