import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The batched forward pass against outputs NumPy computed (`formats/vectors/forward.json`)
/// for every golden model: every activation, depth and number type.
@Suite struct ForwardPassTests {
    struct Cases: Decodable {
        struct Case: Decodable {
            var model: String
            var inputs: [[Double]]
            var outputs: [[Double]]
        }
        var cases: [Case]
    }

    static let cases: [Cases.Case] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.vectors + "/forward.json")),
            let decoded = try? JSONDecoder().decode(Cases.self, from: data)
        else { return [] }
        return decoded.cases
    }()

    @Test func casesCoverEveryGoldenModel() {
        #expect(Self.cases.count >= 9)
    }

    @Test(arguments: cases.map(\.model))
    func doublePrecisionMatchesNumPy(model name: String) throws {
        let testCase = try #require(Self.cases.first { $0.model == name })
        let model = try ModelFile.decode(try Fixtures.bytes(Fixtures.vectors + "/" + name)).model
        let network = DenseNetwork<Double>(model)
        let inputs = Matrix(rows: testCase.inputs.count, columns: model.inputSize, elements: testCase.inputs.flatMap { $0 })
        let outputs = network.forward(inputs)
        for (row, expected) in testCase.outputs.enumerated() {
            for (column, value) in expected.enumerated() {
                #expect((outputs[row, column] - value).magnitude <= 1e-12, "\(name) sample \(row) output \(column)")
            }
        }
    }

    @Test(arguments: cases.map(\.model))
    func singlePrecisionIsClose(model name: String) throws {
        let testCase = try #require(Self.cases.first { $0.model == name })
        let model = try ModelFile.decode(try Fixtures.bytes(Fixtures.vectors + "/" + name)).model
        let network = DenseNetwork<Float>(model)
        let inputs = Matrix(rows: testCase.inputs.count, columns: model.inputSize, elements: testCase.inputs.flatMap { $0 }.map(Float.init))
        let outputs = network.forward(inputs)
        for (row, expected) in testCase.outputs.enumerated() {
            for (column, value) in expected.enumerated() {
                #expect((Double(outputs[row, column]) - value).magnitude <= 1e-5, "\(name) sample \(row) output \(column)")
            }
        }
    }

    @Test func softmaxIsStableForLargeInputs() {
        var z = Matrix<Float>(rows: 2, columns: 3, elements: [1000, 1001, 1002, -1000, -1000, -1000])
        Activation.softmax.apply(to: &z)
        #expect(z.elements.allSatisfy { $0.isFinite })
        #expect(abs(z[0, 0] + z[0, 1] + z[0, 2] - 1) < 1e-6)
        #expect(abs(z[1, 0] - 1.0 / 3) < 1e-6)
    }
}
