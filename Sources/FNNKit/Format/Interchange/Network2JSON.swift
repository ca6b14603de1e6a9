import Foundation

/// The JSON that `network2.py` of Nielsen's *Neural Networks and Deep Learning* saves:
/// `{"sizes", "weights", "biases", "cost"}`, weights shaped `sizes[l+1] × sizes[l]`,
/// biases as column vectors, sigmoid everywhere.
public enum Network2JSON {
    /// A network2.py file that cannot be imported.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public var path: String?
        public var message: String
        public var description: String { (path.map { "\($0): " } ?? "") + message }
    }

    /// Reads a network2.py model.
    public static func decode(_ bytes: [UInt8], path: String? = nil) throws(ImportError) -> Model {
        func fail(_ message: String) -> ImportError { ImportError(path: path, message: message) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw fail("not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw fail("the JSON is not an object") }
        guard let sizes = (root["sizes"] as? [Any])?.compactMap(integer), sizes.count == (root["sizes"] as? [Any])?.count else {
            throw fail("\"sizes\" is missing or is not a list of integers")
        }
        guard sizes.count >= 2, sizes.count - 1 <= ModelFileLimits.layers.upperBound else {
            throw fail("\"sizes\" must list 2 to 65 layer sizes, not \(sizes.count)")
        }
        for (index, size) in sizes.enumerated() where !ModelFileLimits.layerSize.contains(size) {
            throw fail("sizes[\(index)] is \(size), outside 1…65536")
        }
        guard let weights = root["weights"] as? [Any], weights.count == sizes.count - 1 else {
            throw fail("\"weights\" must be a list of \(sizes.count - 1) matrices")
        }
        guard let biases = root["biases"] as? [Any], biases.count == sizes.count - 1 else {
            throw fail("\"biases\" must be a list of \(sizes.count - 1) column vectors")
        }
        let cost: Cost
        switch root["cost"] as? String {
        case "QuadraticCost": cost = .quadratic
        case "CrossEntropyCost": cost = .crossEntropy
        case let other:
            throw fail("\"cost\" is \(other.map { "\"\($0)\"" } ?? "missing"); expected \"QuadraticCost\" or \"CrossEntropyCost\"")
        }
        var layers: [Layer] = []
        for layer in 0..<(sizes.count - 1) {
            let rows = sizes[layer + 1]
            let columns = sizes[layer]
            let w = try matrix(weights[layer], rows: rows, columns: columns, name: "weights[\(layer)]", fail)
            let b = try matrix(biases[layer], rows: rows, columns: 1, name: "biases[\(layer)]", fail)
            layers.append(
                Layer(activation: .sigmoid, weights: .f64(rows: rows, columns: columns, w), biases: .f64(rows: rows, columns: 1, b)))
        }
        return Model(
            layers: layers, cost: cost,
            metadata: Metadata(description: "imported from network2.py JSON"))
    }

    private static func integer(_ value: Any) -> Int? {
        if let number = value as? NSNumber, !(value is Bool) {
            let double = number.doubleValue
            guard double == double.rounded(), double.magnitude < 1e9 else { return nil }
            return number.intValue
        }
        return nil
    }

    private static func matrix(
        _ value: Any, rows: Int, columns: Int, name: String, _ fail: (String) -> ImportError
    ) throws(ImportError) -> [Double] {
        guard let rowList = value as? [Any], rowList.count == rows else {
            throw fail("\(name) must have \(rows) rows")
        }
        var values: [Double] = []
        values.reserveCapacity(rows * columns)
        for (rowIndex, row) in rowList.enumerated() {
            guard let numbers = row as? [Any], numbers.count == columns else {
                throw fail("\(name)[\(rowIndex)] must have \(columns) numbers")
            }
            for (columnIndex, number) in numbers.enumerated() {
                guard let number = number as? NSNumber, !(number is Bool), number.doubleValue.isFinite else {
                    throw fail("\(name)[\(rowIndex)][\(columnIndex)] is not a finite number")
                }
                values.append(number.doubleValue)
            }
        }
        return values
    }

    /// Writes a model as network2.py JSON.
    ///
    /// - Throws: `ModelConversionError` when the model is not a sigmoid network.
    public static func encode(_ model: Model) throws(ModelConversionError) -> [UInt8] {
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
