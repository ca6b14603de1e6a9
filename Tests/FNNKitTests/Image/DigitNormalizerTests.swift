import FNNKit
import FNNTestSupport
import Testing

@Suite struct DigitNormalizerTests {
    static let normalizer = DigitNormalizer()

    /// A thick vertical bar of ink on paper, `width × height`, at (x, y).
    static func bar(
        width: Int, height: Int, x: Int, y: Int, barWidth: Int, barHeight: Int, ink: UInt8, paper: UInt8
    ) -> GrayImage {
        var pixels = [UInt8](repeating: paper, count: width * height)
        for row in y..<(y + barHeight) {
            for column in x..<(x + barWidth) { pixels[row * width + column] = ink }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    static func boundingBox(_ digit: [UInt8]) -> (minX: Int, minY: Int, maxX: Int, maxY: Int) {
        var box = (minX: 28, minY: 28, maxX: -1, maxY: -1)
        for y in 0..<28 {
            for x in 0..<28 where digit[y * 28 + x] > 0 {
                box = (min(box.minX, x), min(box.minY, y), max(box.maxX, x), max(box.maxY, y))
            }
        }
        return box
    }

    static func centreOfMass(_ digit: [UInt8]) -> (Double, Double) {
        var mass = 0.0, x = 0.0, y = 0.0
        for row in 0..<28 {
            for column in 0..<28 {
                let value = Double(digit[row * 28 + column])
                mass += value
                x += value * (Double(column) + 0.5)
                y += value * (Double(row) + 0.5)
            }
        }
        return (x / mass, y / mass)
    }

    @Test func darkInkOnLargePaperBecomesAnMNISTDigit() throws {
        // 300 × 300 paper, a 40 × 160 bar of dark ink off-centre in the top-left.
        let image = Self.bar(width: 300, height: 300, x: 30, y: 20, barWidth: 40, barHeight: 160, ink: 20, paper: 240)
        let digit = try Self.normalizer.normalize(image)
        #expect(digit.count == 784)
        let box = Self.boundingBox(digit)
        // The longer side is scaled to 20 pixels; the aspect ratio is kept (40:160 → 5:20).
        #expect(box.maxY - box.minY + 1 == 20)
        #expect(box.maxX - box.minX + 1 == 5)
        let (x, y) = Self.centreOfMass(digit)
        #expect(abs(x - 14) <= 0.5 && abs(y - 14) <= 0.5)
        #expect(digit.max() == 255)
        #expect(digit[0] == 0)
    }

    @Test func faintPaperNoiseDoesNotMoveTheBox() throws {
        var image = Self.bar(width: 120, height: 120, x: 50, y: 20, barWidth: 20, barHeight: 80, ink: 0, paper: 250)
        var random = SplitMix64(seed: 4)
        for index in image.pixels.indices where image.pixels[index] == 250 {
            image.pixels[index] = UInt8(235 + random.next() % 21)  // 235…255
        }
        let clean = try Self.normalizer.normalize(Self.bar(width: 120, height: 120, x: 50, y: 20, barWidth: 20, barHeight: 80, ink: 0, paper: 250))
        let noisy = try Self.normalizer.normalize(image)
        #expect(Self.boundingBox(noisy) == Self.boundingBox(clean))
    }

    @Test(.enabled(if: Fixtures.hasMNIST, "needs MNIST"))
    func mnistDigitsPassThroughBitForBit() throws {
        let (images, labels) = try MNISTDataset.files(in: Fixtures.mnist, prefix: "t10k")
        let dataset = try MNISTDataset.load(images: images, labels: labels)
        for index in 0..<dataset.count {
            let pixels = Array(dataset.pixels[(index * 784)..<((index + 1) * 784)])
            let decoded = try PNGDecoder().decode(try PNGCodec.encode(GrayImage(width: 28, height: 28, pixels: pixels)))
            #expect(try Self.normalizer.normalize(decoded) == pixels, "test image \(index)")
        }
    }

    @Test(arguments: [UInt8(0), 255, 128])
    func blankImagesHaveNoInk(level: UInt8) {
        for size in [28, 300] {
            let image = GrayImage(width: size, height: size, pixels: [UInt8](repeating: level, count: size * size))
            let error = #expect(throws: ImageError.self) { try Self.normalizer.normalize(image) }
            #expect(error?.code == .noInk)
            #expect(error?.message.hasPrefix("no ink found") == true)
        }
    }

    @Test func faintSmudgesAreNotInk() {
        let image = Self.bar(width: 100, height: 100, x: 40, y: 40, barWidth: 10, barHeight: 10, ink: 225, paper: 250)
        #expect(throws: ImageError.self) { try Self.normalizer.normalize(image) }
    }
}
