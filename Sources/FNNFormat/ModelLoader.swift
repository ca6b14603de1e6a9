import FNNModel
import FNNSupport

/// Loads a model from a `.fnn` file of any version, or from network2.py JSON (by the
/// `.json` extension).
public enum ModelLoader {
    /// Whether `path` names network2.py JSON rather than a model file.
    public static func isNetwork2JSON(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".json")
    }

    /// Loads the model at `path`.
    ///
    /// - Throws: `ModelFileError`, `FileAccessError` or `Network2JSON.ImportError`; each
    ///   names the file in its description.
    public static func load(_ path: String) throws -> Model {
        if isNetwork2JSON(path) {
            let bytes = try FileBytes.read(path, limit: ModelFileLimits.maximumFileSize)
            return try Network2JSON.decode(bytes, path: path)
        }
        return try ModelFile.load(contentsOf: path).model
    }
}
