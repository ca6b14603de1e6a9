import Foundation
import FNNModel

/// The JSON that `network2.py` of Nielsen's *Neural Networks and Deep Learning* saves:
/// `{"sizes", "weights", "biases", "cost"}`, weights shaped `sizes[l+1] × sizes[l]`,
/// biases as column vectors, sigmoid everywhere.
package enum Network2JSON {
    /// A network2.py file that cannot be imported.
    package struct ImportError: Error, Sendable, CustomStringConvertible {
        package var path: String?
        package var message: String
        package var description: String { (path.map { "\($0): " } ?? "") + message }
    }

    /// Reads a network2.py model.
    ///
    /// The text is read in one streaming pass (`Network2JSONReader`): no document tree, every
    /// size checked before it grows anything, and errors that give the line, column and
    /// byte offset.
    package static func decode(_ bytes: [UInt8], path: String? = nil) throws(ImportError) -> Model {
        func fail(_ message: String) -> ImportError { ImportError(path: path, message: message) }
        var reader = Network2JSONReader(bytes)
        let saved: Network2JSONReader.Document
        do {
            saved = try reader.read()
        } catch {
            let (line, column) = Network2JSONReader.location(of: error.offset, in: bytes)
            throw fail("line \(line), column \(column) (byte \(error.offset)): \(error.message)")
        }
        let sizes = saved.sizes
        guard sizes.count >= 2, sizes.count - 1 <= ModelFileLimits.layers.upperBound else {
            throw fail("\"sizes\" must list 2 to 65 layer sizes, not \(sizes.count)")
        }
        guard saved.weights.count == sizes.count - 1 else {
            throw fail("\"weights\" must be a list of \(sizes.count - 1) matrices, not \(saved.weights.count)")
        }
        guard saved.biases.count == sizes.count - 1 else {
            throw fail("\"biases\" must be a list of \(sizes.count - 1) column vectors, not \(saved.biases.count)")
        }
        let cost: Cost
        switch saved.cost {
        case "QuadraticCost": cost = .quadratic
        case "CrossEntropyCost": cost = .crossEntropy
        default: throw fail("\"cost\" is \"\(saved.cost)\"; expected \"QuadraticCost\" or \"CrossEntropyCost\"")
        }
        var layers: [Layer] = []
        for layer in 0..<(sizes.count - 1) {
            let rows = sizes[layer + 1]
            let columns = sizes[layer]
            let w = try matrix(saved.weights[layer], rows: rows, columns: columns, name: "weights[\(layer)]", fail)
            let b = try matrix(saved.biases[layer], rows: rows, columns: 1, name: "biases[\(layer)]", fail)
            layers.append(
                Layer(activation: .sigmoid, weights: .f64(rows: rows, columns: columns, w), biases: .f64(rows: rows, columns: 1, b)))
        }
        return Model(
            layers: layers, cost: cost,
            metadata: Metadata(description: "imported from network2.py JSON"))
    }

    /// Checks a matrix's shape (when `sizes` came after it, the reader could not).
    private static func matrix(
        _ matrix: Network2JSONReader.Matrix, rows: Int, columns: Int, name: String, _ fail: (String) -> ImportError
    ) throws(ImportError) -> [Double] {
        guard matrix.rowLengths.count == rows else {
            throw fail("\(name) must have \(rows) rows, not \(matrix.rowLengths.count)")
        }
        for (row, length) in matrix.rowLengths.enumerated() where length != columns {
            throw fail("\(name)[\(row)] must have \(columns) numbers, not \(length)")
        }
        return matrix.values
    }

    /// Writes a model as network2.py JSON.
    ///
    /// - Throws: `ModelConversionError` when the model is not a sigmoid network.
    package static func encode(_ model: Model) throws(ModelConversionError) -> [UInt8] {
        var problems: [String] = []
        for (index, layer) in model.layers.enumerated() where layer.activation != .sigmoid {
            problems.append("layer \(index + 1) uses \(layer.activation.rawValue) (network2.py has sigmoid only)")
        }
        guard problems.isEmpty else {
            throw ModelConversionError(problems: problems, target: "network2.py JSON")
        }
        var text = "{\"sizes\": [" + model.sizes.map(String.init).joined(separator: ", ") + "], \"weights\": ["
        text += model.layers.map { layer in
            let values = layer.weights.doubles()
            return "[" + (0..<layer.weights.rows).map { row in
                "[" + values[(row * layer.inputSize)..<((row + 1) * layer.inputSize)].map(jsonNumber).joined(separator: ", ") + "]"
            }.joined(separator: ", ") + "]"
        }.joined(separator: ", ")
        text += "], \"biases\": ["
        text += model.layers.map { layer in
            "[" + layer.biases.doubles().map { "[" + jsonNumber($0) + "]" }.joined(separator: ", ") + "]"
        }.joined(separator: ", ")
        text += "], \"cost\": \"" + (model.cost == .quadratic ? "QuadraticCost" : "CrossEntropyCost") + "\"}"
        return Array(text.utf8)
    }

    /// The shortest decimal that reads back as the same binary64 (as Python's `repr`).
    static func jsonNumber(_ value: Double) -> String {
        let text = "\(value)"
        return text
    }
}
