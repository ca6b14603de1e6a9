import FNNKit
import FNNTestSupport
import Testing

/// An image's outputs depend on that image alone: not on the images that share its
/// batch, nor on how many there are. Shards of a corpus, a hot folder's bursts and a
/// single file must give the same numbers to the last bit.
@Suite struct BatchInvarianceTests {
    /// 100 images of `side` × `side` pixels, about 80 % background like a digit.
    static func images(side: Int) -> MNISTDataset {
        var random = SplitMix64(seed: 11)
        let pixels = (0..<(100 * side * side)).map { _ in random.next() % 5 == 0 ? UInt8(truncatingIfNeeded: random.next() | 1) : 0 }
        return MNISTDataset(count: 100, rows: side, columns: side, pixels: pixels, labels: [UInt8](repeating: 0, count: 100))
    }

    /// Each image's outputs computed alone, and within batches cut at other places.
    static func check(_ model: Model) {
        let dataset = images(side: model.inputSize == 784 ? 28 : 4)
        let classifier = Classifier(model)
        let alone = (0..<dataset.count).map { classifier.outputs(dataset, $0..<($0 + 1))[0] }
        for cut in [7, 32, 33, 100] {
            var start = 0
            while start < dataset.count {
                let end = min(start + cut, dataset.count)
                let outputs = classifier.outputs(dataset, start..<end)
                for (offset, row) in outputs.enumerated() {
                    #expect(row == alone[start + offset], "image \(start + offset) in a batch of \(end - start)")
                }
                start = end
            }
        }
        // And through the threaded probabilities that predict uses.
        let probabilities = classifier.probabilities(pixels: dataset.pixels, count: dataset.count, threads: 2)
        let shifted = classifier.probabilities(pixels: Array(dataset.pixels[(5 * model.inputSize)...]), count: dataset.count - 5, threads: 2)
        #expect(Array(probabilities.dropFirst(5)) == shifted)
    }

    /// A 16 → 8 → 3 network with weights of all signs and magnitudes.
    static func model(_ type: NumberType, backgroundInput: Double) throws -> Model {
        var random = SplitMix64(seed: 5)
        func values(_ count: Int) -> [Double] {
            (0..<count).map { _ in Double(random.next() % 2001) / 1000 - 1 }
        }
        var model = Model(
            layers: [
                Layer(activation: .relu, weights: .f64(rows: 8, columns: 16, values(128)), biases: .f64(rows: 8, columns: 1, values(8))),
                Layer(activation: .softmax, weights: .f64(rows: 3, columns: 8, values(24)), biases: .f64(rows: 3, columns: 1, values(3))),
            ], cost: .crossEntropy)
        model.metadata.inputWidth = 4
        model.metadata.inputHeight = 4
        model.metadata.inputScaleMinimum = backgroundInput
        return try model.converted(to: type)
    }

    @Test(arguments: [NumberType.f32, .f64])
    func backgroundAddsNothing(type: NumberType) throws {
        Self.check(try Self.model(type, backgroundInput: 0))
    }

    @Test(arguments: [NumberType.f32, .f64])
    func backgroundMapsToANonZeroInput(type: NumberType) throws {
        Self.check(try Self.model(type, backgroundInput: -1))
    }

    @Test func theBundledModel() throws {
        Self.check(try BundledModel.load())
    }
}
