/// fnn's version, as `fnn --version` prints it and model files record it.
package enum FNNVersion {
    package static let number = "0.1.0"

    /// `fnn 0.1.0` — the `creator` written into model files.
    package static var creator: String { "fnn \(number)" }
}
