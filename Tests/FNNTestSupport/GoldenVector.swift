import FNNKit
import Foundation

/// The expected contents of a golden `.fnn` vector (`formats/vectors/README.md`).
package struct GoldenVector: Decodable, Sendable {
    package struct TensorJSON: Decodable, Sendable {
        package var dtype: String
        package var rows: Int
        package var columns: Int
        package var scale: Double
        package var values: [Double]
        package var stored: [Int]?
    }

    package struct LayerJSON: Decodable, Sendable {
        package var activation: String
        package var output_size: Int
        package var weights: TensorJSON
        package var biases: TensorJSON
    }

    package struct Typed: Decodable, Sendable {
        package var value: TypedValue

        enum CodingKeys: String, CodingKey { case type, value }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let type = try container.decode(String.self, forKey: .type)
            switch type {
            case "bool": value = .bool(try container.decode(Bool.self, forKey: .value))
            case "int64": value = .int64(try container.decode(Int64.self, forKey: .value))
            case "uint64": value = .uint64(try container.decode(UInt64.self, forKey: .value))
            case "float64": value = .float64(try container.decode(Double.self, forKey: .value))
            case "string": value = .string(try container.decode(String.self, forKey: .value))
            case "float64_array": value = .float64Array(try container.decode([Double].self, forKey: .value))
            case "string_array": value = .stringArray(try container.decode([String].self, forKey: .value))
            default:
                throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown type \(type)")
            }
        }
    }

    package struct HistoryJSON: Decodable, Sendable {
        package var epoch: Int
        package var train_cost: Double
        package var train_accuracy: Double
        package var validation_accuracy: Double?
        package var learning_rate: Double
        package var seconds: Double
    }

    package struct OptimizerJSON: Decodable, Sendable {
        package var layer: Int
        package var role: String
        package var tensor: TensorJSON
    }

    package struct ChunkJSON: Decodable, Sendable {
        package var type: String
        package var data_hex: String
    }

    package var format_version: Int
    package var cost: String
    package var input_size: Int
    package var layers: [LayerJSON]
    package var hyperparameters: [String: Typed]
    package var metadata: [String: Typed]
    package var history: [HistoryJSON]
    package var optimizer: [OptimizerJSON]
    package var unknown_chunks: [ChunkJSON]
    package var sha256: String?
    package var crc32: UInt32

    /// Reads `NAME.json`.
    package static func load(_ path: String) throws -> GoldenVector {
        try JSONDecoder().decode(GoldenVector.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The model the JSON describes.
    package func model() throws -> Model {
        let layers = try self.layers.map { layer -> Layer in
            guard let activation = Activation(rawValue: layer.activation) else { throw VectorError("activation \(layer.activation)") }
            return Layer(activation: activation, weights: try Self.tensor(layer.weights), biases: try Self.tensor(layer.biases))
        }
        guard let cost = Cost(rawValue: cost) else { throw VectorError("cost \(cost)") }
        var optimizerState: [OptimizerLayerState]?
        if !optimizer.isEmpty {
            optimizerState = try (0..<layers.count).map { index in
                guard let weights = optimizer.first(where: { $0.layer == index && $0.role == "weight_velocity" }),
                    let biases = optimizer.first(where: { $0.layer == index && $0.role == "bias_velocity" })
                else { throw VectorError("incomplete optimizer state") }
                return OptimizerLayerState(weightVelocity: try Self.tensor(weights.tensor), biasVelocity: try Self.tensor(biases.tensor))
            }
        }
        return Model(
            layers: layers, cost: cost,
            hyperparameters: try Hyperparameters(entries: hyperparameters.mapValues(\.value)),
            metadata: try Metadata(entries: metadata.mapValues(\.value)),
            history: history.map {
                EpochRecord(
                    epoch: $0.epoch, trainingCost: $0.train_cost, trainingAccuracy: $0.train_accuracy,
                    validationAccuracy: $0.validation_accuracy ?? .nan, learningRate: $0.learning_rate, seconds: $0.seconds)
            },
            optimizerState: optimizerState,
            unknownChunks: unknown_chunks.map { RawChunk(type: $0.type, data: Self.bytes(hex: $0.data_hex)) })
    }

    /// The tensor a JSON tensor describes, in its stored form.
    package static func tensor(_ json: TensorJSON) throws -> Tensor {
        switch json.dtype {
        case "f64": return .f64(rows: json.rows, columns: json.columns, json.values)
        case "f32": return .f32(rows: json.rows, columns: json.columns, json.values.map(Float.init))
        case "f16":
            guard let stored = json.stored else { throw VectorError("f16 without stored bits") }
            return Tensor(rows: json.rows, columns: json.columns, storage: .f16(stored.map { UInt16($0) }))
        case "int8":
            guard let stored = json.stored else { throw VectorError("int8 without stored integers") }
            return Tensor(rows: json.rows, columns: json.columns, storage: .int8(stored.map { Int8($0) }, scale: Float(json.scale)))
        default: throw VectorError("dtype \(json.dtype)")
        }
    }

    package static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}

/// The expected error of a `bad-NAME.fnn` vector.
package struct BadVector: Decodable, Sendable {
    package var error: String
    package var offset: Int?
    package var chunk: String?

    package static func load(_ path: String) throws -> BadVector {
        try JSONDecoder().decode(BadVector.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

package struct VectorError: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = "unexpected golden vector content: " + description }
}
