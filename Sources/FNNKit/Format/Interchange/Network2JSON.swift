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

    /// The fields network2.py's `save` writes.
    private struct SavedNetwork: Decodable {
        var sizes: [Int]
        var weights: [[[Double]]]
        var biases: [[[Double]]]
        var cost: String
    }

    /// Reads a network2.py model.
    public static func decode(_ bytes: [UInt8], path: String? = nil) throws(ImportError) -> Model {
        func fail(_ message: String) -> ImportError { ImportError(path: path, message: message) }
        let saved: SavedNetwork
        do {
            saved = try JSONDecoder().decode(SavedNetwork.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw fail(describe(error))
        } catch {
            throw fail("not valid JSON (\(error))")
        }
        let sizes = saved.sizes
        guard sizes.count >= 2, sizes.count - 1 <= ModelFileLimits.layers.upperBound else {
            throw fail("\"sizes\" must list 2 to 65 layer sizes, not \(sizes.count)")
        }
        for (index, size) in sizes.enumerated() where !ModelFileLimits.layerSize.contains(size) {
            throw fail("sizes[\(index)] is \(size), outside 1…65536")
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

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            var text = ""
            for key in context.codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the document" : text
        }
        switch error {
        case .keyNotFound(let key, _):
            return "\"\(key.stringValue)\" is missing (network2.py JSON has sizes, weights, biases and cost)"
        case .typeMismatch(let type, let context):
            let expected = type == Double.self ? "a finite number" : type == Int.self ? "an integer" : "\(type)"
            return "\(path(context)) is not \(expected)"
        case .valueNotFound(_, let context):
            return "\(path(context)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "not valid network2.py JSON"
        }
    }

    private static func matrix(
        _ rowList: [[Double]], rows: Int, columns: Int, name: String, _ fail: (String) -> ImportError
    ) throws(ImportError) -> [Double] {
        guard rowList.count == rows else { throw fail("\(name) must have \(rows) rows, not \(rowList.count)") }
        var values: [Double] = []
        values.reserveCapacity(rows * columns)
        for (rowIndex, row) in rowList.enumerated() {
            guard row.count == columns else {
                throw fail("\(name)[\(rowIndex)] must have \(columns) numbers, not \(row.count)")
            }
            for (columnIndex, number) in row.enumerated() {
                guard number.isFinite else { throw fail("\(name)[\(rowIndex)][\(columnIndex)] is not a finite number") }
                values.append(number)
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
