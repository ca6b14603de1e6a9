import Foundation
import FNNModel

/// Checks a model before it is put into service: it must take 28 × 28 digits, give finite
/// probabilities, and recognise most of twenty known MNIST test digits that ship with
/// fnn (a model of random or damaged weights does not).
package enum ModelSelfTest {
    /// The fraction of the known digits a model must get right.
    package static let requiredAccuracy = 0.5

    /// Why `model` cannot serve, or `nil` when it passes.
    package static func problem(with model: Model) -> String? {
        let contract = model.metadata.inputContract
        guard model.inputSize == 784, contract.width == 28, contract.height == 28 else {
            return "the model takes \(model.inputSize) inputs, not 28 × 28 digits"
        }
        guard model.outputSize >= 2 else { return "the model has \(model.outputSize) outputs" }
        guard let (labels, pixels) = digits() else { return "fnn's self-test digits are missing from its resources" }
        let probabilities = Classifier(model).probabilities(pixels: pixels, count: labels.count)
        var correct = 0
        for (row, label) in zip(probabilities, labels) {
            guard row.allSatisfy(\.isFinite) else { return "the model's outputs are not finite numbers" }
            let best = row.indices.max { row[$0] < row[$1] } ?? 0
            if model.metadata.label(best) == String(label) { correct += 1 }
        }
        guard Double(correct) >= requiredAccuracy * Double(labels.count) else {
            return "the model recognised only \(correct) of \(labels.count) known test digits"
        }
        return nil
    }

    /// Why `model` cannot be used at all, or `nil`: whether it gives finite outputs for
    /// a blank image, a fully inked one and (for 28 × 28 models) the twenty known digits.
    /// A model whose parameters are finite but overflow in use (weights of 1e308, an int8
    /// scale near binary32's limit) would otherwise report NaN as a prediction.
    package static func outputProblem(with model: Model) -> String? {
        let size = model.inputSize
        guard size > 0 else { return "the model has no inputs" }
        var pixels = [UInt8](repeating: 0, count: size) + [UInt8](repeating: 255, count: size)
        var count = 2
        if size == 784, let (labels, digits) = digits() {
            pixels += digits
            count += labels.count
        }
        let rows = Classifier(model).probabilities(pixels: pixels, count: count)
        guard rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            return "the model's outputs are not finite numbers (its parameters overflow in use)"
        }
        return nil
    }

    /// Twenty MNIST test digits (two per class): labels, then 784 pixels each.
    static func digits() -> ([UInt8], [UInt8])? {
        guard let url = Bundle.module.url(forResource: "selftest-digits", withExtension: "bin"),
            let data = try? Data(contentsOf: url), data.count == 20 * 785
        else { return nil }
        let bytes = [UInt8](data)
        return (Array(bytes[0..<20]), Array(bytes[20...]))
    }
}
