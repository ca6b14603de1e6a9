import FNNModel
import Foundation

/// The model that ships inside fnn (`samples/model/mnist.fnn`, a SwiftPM resource), used
/// when a command is given no model; `ModelLoader.load(nil)` loads it.
public enum BundledModel {
    /// Where the bundled model file is.
    public static var path: String? {
        Bundle.module.url(forResource: "mnist", withExtension: "fnn")?.path
    }
}

extension BundledModel {
    /// Loads the bundled model (through `ModelLoader`, the one loader).
    public static func load() throws -> Model { try ModelLoader.load(nil) }
}
