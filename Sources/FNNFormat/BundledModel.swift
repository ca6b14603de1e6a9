import Foundation
import FNNModel
import FNNSupport

/// The model that ships inside fnn (`samples/model/mnist.fnn`, a SwiftPM resource), used
/// when a command is given no model.
public enum BundledModel {
    /// Where the bundled model file is.
    public static var path: String? {
        Bundle.module.url(forResource: "mnist", withExtension: "fnn")?.path
    }

    /// Loads the bundled model.
    public static func load() throws -> Model {
        guard let path else {
            throw FileAccessError(path: "mnist.fnn", message: "the bundled model is missing from fnn's resources; pass a model file")
        }
        return try ModelFile.load(contentsOf: path).model
    }
}
