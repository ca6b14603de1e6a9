import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Models saved by network2.py itself (`formats/interchange`) import exactly.
@Suite struct Network2JSONTests {
    struct Expected: Decodable {
        var test_correct: Int
        var test_total: Int
        var first_outputs: [[Double]]
    }

    static let expected: [String: Expected] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.interchange + "/expected.json")) else { return [:] }
        return (try? JSONDecoder().decode([String: Expected].self, from: data)) ?? [:]
    }()

    @Test func bothReferenceModelsAreThere() {
        #expect(Self.expected.keys.sorted() == ["network2-784-10-10-quadratic.json", "network2-784-30-10.json"])
    }

    @Test(
        .enabled(if: Fixtures.hasMNIST, "needs MNIST in ../shared/datasets/mnist"),
        arguments: ["network2-784-30-10.json", "network2-784-10-10-quadratic.json"])
    func importedModelsScoreExactlyAsNetwork2Does(name: String) throws {
        let expected = try #require(Self.expected[name])
        let model = try ModelLoader.load(Fixtures.interchange + "/" + name)
        #expect(model.layers.allSatisfy { $0.activation == .sigmoid })
        #expect(model.numberTypes == [.f64])
        let (images, labels) = try MNISTDataset.files(in: Fixtures.mnist, prefix: "t10k")
        let dataset = try MNISTDataset.load(images: images, labels: labels)
        let evaluation = try Evaluation.run(model, on: dataset)
        #expect(evaluation.correct == expected.test_correct)
        #expect(evaluation.total == expected.test_total)
        let outputs = Classifier(model).outputs(dataset, 0..<expected.first_outputs.count)
        for (row, expectedRow) in zip(outputs, expected.first_outputs) {
            for (value, reference) in zip(row, expectedRow) {
                #expect((value - reference).magnitude < 1e-12)
            }
        }
    }

    @Test func exportThenImportIsExact() throws {
        let model = try ModelLoader.load(Fixtures.interchange + "/network2-784-10-10-quadratic.json")
        let reimported = try Network2JSON.decode(try Network2JSON.encode(model))
        #expect(reimported.layers == model.layers)
        #expect(reimported.cost == .quadratic)
    }

    @Test(arguments: [
        ("[1, 2]", "line 1, column 1 (byte 0): expected a JSON object ({), found '['"),
        ("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[0]]], \"cost\": \"Other\"}", "\"cost\" is \"Other\""),
        ("{\"sizes\": [2, 1], \"weights\": [[[1]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}", "weights[0][0] must have 2 numbers"),
        ("{\"sizes\": [2, 1], \"weights\": [[[1, \"x\"]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}", "line 1, column 36 (byte 35): expected a number, found '\""),
        ("{\"sizes\": [2, 1], \"weights\": [[[1, 2, 3]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}", "weights[0][0] has more than 2 numbers"),
        ("{\"sizes\": [2, 1],\n \"weights\": [[[1, NaN]]], \"biases\": [[[0]]], \"cost\": \"QuadraticCost\"}", "line 2, column 19 (byte 36): weights[0][0][1] is not a finite number"),
        ("{\"sizes\": [2, 1], \"sizes\": [2, 1]}", "\"sizes\" appears twice"),
        ("{\"sizes\": [2, 70000]}", "sizes[1] is 70000.0, not a layer size"),
        ("{\"x\": " + String(repeating: "[", count: 100) + "}", "nested more than 64 deep"),
        ("{\"sizes\": [2], \"weights\": [], \"biases\": [], \"cost\": \"QuadraticCost\"}", "2 to 65 layer sizes"),
        ("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"cost\": \"QuadraticCost\"}", "\"biases\" is missing"),
        ("{\"sizes\": [2, 1", "line 1, column 16 (byte 15): the text ends where ',' or ']' in the list was expected (truncated file)"),
    ] as [(String, String)])
    func badJSONIsExplained(json: String, message: String) {
        let error = #expect(throws: Network2JSON.ImportError.self) { try Network2JSON.decode(Array(json.utf8)) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func onlySigmoidNetworksExport() {
        let model = Model(
            layers: [Layer(activation: .relu, weights: .f64(rows: 1, columns: 1, [1]), biases: .f64(rows: 1, columns: 1, [0]))],
            cost: .quadratic)
        #expect(throws: ModelConversionError.self) { try Network2JSON.encode(model) }
    }
}
