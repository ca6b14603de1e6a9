import FNNKit
import FNNTestSupport
import Testing

/// The pictures, checked by decoding the PNGs they write: size, key pixels, and the same
/// bytes every time.
@Suite struct PictureTests {
    static func decoded(_ canvas: Canvas) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        try PNGCodec.decodeRGB(try canvas.png())
    }

    static func pixel(_ image: (width: Int, height: Int, pixels: [UInt8]), _ x: Int, _ y: Int) -> Color {
        let index = (y * image.width + x) * 3
        return Color(image.pixels[index], image.pixels[index + 1], image.pixels[index + 2])
    }

    static func randomModel(hidden: Int) -> Model {
        var random = SplitMix64(seed: 3)
        let network: DenseNetwork<Double> = Initialization.he.network(
            sizes: [784, hidden, 10], hidden: .relu, output: .softmax, random: &random)
        return Model(
            layers: network.layers.map {
                Layer(
                    activation: $0.activation, weights: .f64(rows: $0.outputSize, columns: $0.inputSize, $0.weights),
                    biases: .f64(rows: $0.outputSize, columns: 1, $0.biases))
            }, cost: .crossEntropy)
    }

    @Test(arguments: [30, 100, 1024])
    func weightsAreTilesInADivergingMap(hidden: Int) throws {
        let model = Self.randomModel(hidden: hidden)
        let canvas = try WeightsPicture.render(model)
        let image = try Self.decoded(canvas)
        let columns = Int(Double(hidden).squareRoot().rounded(.up))
        let scale = max(1, min(4, 640 / (columns * 28)))
        #expect(image.width >= columns * 28 * scale)
        #expect(image.height >= (hidden + columns - 1) / columns * 28 * scale)
        #expect(image.pixels == canvas.pixels)
        // The first pixel of the first tile shows the first weight in the colour map.
        let weights = model.layers[0].weights.doubles()
        let limit = weights.map(abs).sorted()[Int(Double(weights.count) * 0.99)]
        let gridWidth = columns * (28 * scale + (scale > 1 ? 2 : 1)) - (scale > 1 ? 2 : 1)
        let left = (image.width - gridWidth) / 2
        #expect(Self.pixel(image, left, 30) == Color.diverging(weights[0] / limit))
        #expect(try canvas.png() == (try WeightsPicture.render(model).png()))
    }

    @Test func weightsNeedAnImageShapedInput() throws {
        // No input contract: MNIST's 28 × 28 is assumed, which 6 inputs are not.
        let model = try ModelFile.decode(try Fixtures.bytes(Fixtures.vectors + "/v2-minimal.fnn")).model
        #expect(model.metadata.inputWidth == nil && model.inputSize != 784)
        #expect(throws: PictureError.self) { try WeightsPicture.render(model) }
    }

    @Test func learningCurvesPlotBothSeries() throws {
        let history = (1...6).map {
            EpochRecord(
                epoch: $0, trainingCost: 1 / Double($0), trainingAccuracy: 0.9, validationAccuracy: 0.9 + Double($0) / 100,
                learningRate: 0.1, seconds: 0)
        }
        let canvas = try LearningCurvesPicture.render(history)
        let image = try Self.decoded(canvas)
        #expect(image.width == 640 && image.height == 400)
        let blue = image.pixels.withUnsafeBufferPointer { _ in
            (0..<(640 * 400)).filter { Self.pixel(image, $0 % 640, $0 / 640) == .blue }.count
        }
        let orange = (0..<(640 * 400)).filter { Self.pixel(image, $0 % 640, $0 / 640) == .orange }.count
        #expect(blue > 200 && orange > 200)
        #expect(throws: PictureError.self) { try LearningCurvesPicture.render([]) }
    }

    @Test func contactSheetsFrameMistakesInRed() throws {
        let digit = [UInt8](repeating: 0, count: 784)
        let items = [
            ContactSheetPicture.Item(pixels: digit, prediction: "7", confidence: 0.99, wrong: false),
            ContactSheetPicture.Item(pixels: digit, prediction: "1", confidence: 0.6, wrong: true),
        ]
        let image = try Self.decoded(try ContactSheetPicture.render(items))
        // Cell 1's frame starts 3 pixels before its tile.
        let tileX = 10 + (56 + 12) + 6, tileY = 10 + 18 + 4
        #expect(Self.pixel(image, tileX - 3, tileY - 3) == .red)
        #expect(Self.pixel(image, 10 + 6 - 3, tileY - 3) != .red)
        #expect(Self.pixel(image, tileX + 10, tileY + 10) == .black)
    }

    @Test func confusionCellsAreShadedByShare() throws {
        let evaluation = Evaluation(predictions: [0, 0, 0, 1, 1, 2], labels: [0, 0, 1, 1, 1, 2], labelNames: ["a", "b", "c"])
        let image = try Self.decoded(try ConfusionPicture.render(evaluation))
        #expect(image.width == 60 + 120 + 20 && image.height == 50 + 120 + 40)
        // Cell (0, 0): all of row a → darkest; cell (0, 2): empty → white.
        #expect(Self.pixel(image, 62, 52) == Color.sequential(1))
        #expect(Self.pixel(image, 60 + 80 + 2, 52) == Color.sequential(0))
    }
}
