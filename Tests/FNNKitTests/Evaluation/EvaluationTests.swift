import FNNKit
import Testing

@Suite struct EvaluationTests {
    @Test func confusionPrecisionAndRecall() {
        let evaluation = Evaluation(
            predictions: [0, 0, 1, 1, 2, 0], labels: [0, 1, 1, 1, 2, 2], labelNames: ["a", "b", "c"])
        #expect(evaluation.correct == 4)
        #expect(evaluation.total == 6)
        #expect(evaluation.confusion == [[1, 0, 0], [1, 2, 0], [1, 0, 1]])
        #expect(evaluation.classes.map(\.precision) == [1.0 / 3, 1, 1])
        #expect(evaluation.classes.map(\.recall) == [1, 2.0 / 3, 0.5])
        #expect(evaluation.classes.map(\.support) == [1, 3, 2])
        #expect(evaluation.text.contains("accuracy: 66.67% (4 of 6 correct)"))
    }

    @Test func aClassNeverPredictedHasNoPrecision() {
        let evaluation = Evaluation(predictions: [0, 0], labels: [0, 1], labelNames: ["0", "1"])
        #expect(evaluation.classes[1].precision.isNaN)
        #expect(evaluation.json(model: "m").serialized().contains("\"precision\":null"))
    }

    @Test func mismatchedModelsAreRefused() {
        let model = Model(
            layers: [Layer(activation: .sigmoid, weights: .f64(rows: 2, columns: 3, Array(repeating: 0, count: 6)), biases: .f64(rows: 2, columns: 1, [0, 0]))],
            cost: .quadratic)
        let data = MNISTDataset(count: 1, rows: 2, columns: 2, pixels: [0, 0, 0, 0], labels: [1])
        let error = #expect(throws: EvaluationError.self) { try Evaluation.run(model, on: data) }
        #expect(error?.message.contains("takes 3 inputs but the images have 2×2 = 4 pixels") == true)
    }
}
