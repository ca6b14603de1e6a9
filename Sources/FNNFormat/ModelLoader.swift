import FNNModel
import FNNSupport

/// The one way fnn loads a model to use it: a `.fnn` file of any version, network2.py
/// JSON (by the `.json` extension), or, with no path, the bundled model. The file is read
/// once; the model comes with the SHA-256 of those bytes, which the watch daemon's result
/// lines name.
public enum ModelLoader {
    /// A model and the file it came from.
    public struct Loaded: Sendable {
        public var model: Model
        /// The file's path; `nil` for the bundled model.
        public var path: String?
        /// Lower-case hex SHA-256 of the file's bytes.
        public var sha256: String
        /// How people should be told which model this is: the path, or "bundled model".
        public var name: String { path ?? "bundled model" }
    }

    /// Whether `path` names network2.py JSON rather than a model file.
    public static func isNetwork2JSON(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".json")
    }

    /// Loads the model at `path`, or the bundled model when `path` is `nil`.
    ///
    /// - Throws: `ModelFileError`, `FileAccessError` or `Network2JSON.ImportError`; each
    ///   names the file in its description.
    public static func loadFile(_ path: String?) throws -> Loaded {
        guard let path else {
            guard let bundled = BundledModel.path else {
                throw FileAccessError(
                    .notFound, path: "mnist.fnn", message: "the bundled model is missing from fnn's resources; pass a model file")
            }
            var loaded = try loadFile(bundled)
            loaded.path = nil
            return loaded
        }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: ModelFileLimits.maximumFileSize)
        } catch {
            if isNetwork2JSON(path) { throw error }
            throw ModelFileError(.io, error.message, offset: nil, path: path)
        }
        let model: Model
        if isNetwork2JSON(path) {
            model = try Network2JSON.decode(bytes, path: path)
        } else {
            do {
                model = try ModelFile.decode(bytes).model
            } catch {
                throw error.at(path: path)
            }
        }
        return Loaded(model: model, path: path, sha256: SHA256Digest.hexDigest(bytes))
    }

    /// The model at `path`, or the bundled model when `path` is `nil`.
    public static func load(_ path: String?) throws -> Model {
        try loadFile(path).model
    }
}
