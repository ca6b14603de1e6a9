import FNNKit
import FNNTestSupport
import Testing

@Suite struct AugmentationTests {
    /// A 28 × 28 "1": a vertical bar 4 pixels wide, rows 4 to 23, with a grey edge.
    static let bar: [UInt8] = (0..<784).map { index in
        let (y, x) = (index / 28, index % 28)
        guard (4...23).contains(y) else { return 0 }
        if (12...15).contains(x) { return 255 }
        return x == 11 || x == 16 ? 128 : 0
    }

    static func distort(_ augmentation: Augmentation, seed: UInt64, image: [UInt8] = bar) -> [UInt8] {
        var workspace = Augmentation.Workspace(rows: 28, columns: 28, sigma: augmentation.elasticSigma)
        var random = SplitMix64(seed: seed)
        var out = [UInt8](repeating: 0, count: 784)
        image.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                augmentation.apply(source, into: target, workspace: &workspace, random: &random)
            }
        }
        return out
    }

    static let none = Augmentation(
        rotationDegrees: 0, scale: 0, shear: 0, translation: 0, elasticSigma: 4, elasticAlpha: 0, strokeChange: 0)

    static func ink(_ image: [UInt8]) -> Int { image.reduce(0) { $0 + Int($1) } }

    /// The centre of ink mass, (x, y).
    static func centre(_ image: [UInt8]) -> (Double, Double) {
        var (sx, sy, total) = (0.0, 0.0, 0.0)
        for (index, value) in image.enumerated() {
            sx += Double(index % 28) * Double(value)
            sy += Double(index / 28) * Double(value)
            total += Double(value)
        }
        return (sx / total, sy / total)
    }

    @Test func noDistortionIsTheIdentity() {
        #expect(Self.distort(Self.none, seed: 1) == Self.bar)
    }

    @Test func theSameSeedGivesTheSameImage() {
        let first = Self.distort(.standard, seed: 42)
        #expect(first == Self.distort(.standard, seed: 42))
        #expect(first != Self.distort(.standard, seed: 43))
        #expect(first != Self.bar)
    }

    @Test func rotationTurnsTheBar() {
        var rotate = Self.none
        rotate.rotationDegrees = 30
        // Over many draws the bar leans both ways, by up to 30°: its top row's ink moves
        // sideways from x = 13.5 by up to about tan(30°) × 9.5 ≈ 5.5 pixels.
        var largest = 0.0
        for seed in 0..<40 {
            let image = Self.distort(rotate, seed: UInt64(seed))
            let top = Array(image[(6 * 28)..<(7 * 28)])
            let total = Double(top.reduce(0) { $0 + Int($1) })
            guard total > 0 else { continue }
            let x = top.enumerated().reduce(0.0) { $0 + Double($1.offset) * Double($1.element) } / total
            largest = max(largest, abs(x - 13.5))
            #expect(abs(x - 13.5) < 6.5)
            // Rotation about the centre keeps the ink's centre and, roughly, its amount.
            let (cx, cy) = Self.centre(image)
            #expect(abs(cx - 13.5) < 0.6 && abs(cy - 13.5) < 0.6)
            #expect(abs(Double(Self.ink(image)) / Double(Self.ink(Self.bar)) - 1) < 0.1)
        }
        #expect(largest > 3)
    }

    @Test func translationMovesTheCentreWithinItsRange() {
        var move = Self.none
        move.translation = 3
        for seed in 0..<30 {
            let (cx, cy) = Self.centre(Self.distort(move, seed: UInt64(seed)))
            #expect(abs(cx - 13.5) <= 3.05 && abs(cy - 13.5) <= 3.05)
        }
    }

    @Test func elasticDistortionBendsButKeepsTheDigit() {
        var elastic = Self.none
        elastic.elasticAlpha = 34
        var changed = 0
        for seed in 0..<20 {
            let image = Self.distort(elastic, seed: UInt64(seed))
            if image != Self.bar { changed += 1 }
            let (cx, cy) = Self.centre(image)
            // Simard's α = 34, σ = 4 moves a thin bar's centre by a pixel or two and
            // stretches or squeezes it (measured: centres within 2.2 pixels, ink 0.6–1.6
            // times the bar's): bent, not destroyed.
            #expect(abs(cx - 13.5) < 3 && abs(cy - 13.5) < 3)
            let ink = Double(Self.ink(image)) / Double(Self.ink(Self.bar))
            #expect(ink > 0.4 && ink < 1.8)
        }
        #expect(changed == 20)
        // Without the elastic part's strength, nothing moves.
        #expect(Self.distort(Self.none, seed: 3) == Self.bar)
    }

    @Test func strokesGetThickerOrThinner() {
        var stroke = Self.none
        stroke.strokeChange = 1
        var thicker = 0
        var thinner = 0
        for seed in 0..<20 {
            let ink = Self.ink(Self.distort(stroke, seed: UInt64(seed)))
            if ink > Self.ink(Self.bar) { thicker += 1 }
            if ink < Self.ink(Self.bar) { thinner += 1 }
        }
        #expect(thicker > 3 && thinner > 3 && thicker + thinner == 20)
    }

    @Test func rangesAreChecked() {
        var bad = Augmentation.standard
        bad.rotationDegrees = 90
        bad.elasticAlpha = .nan
        #expect(bad.problems.count == 2)
        #expect(Augmentation.standard.problems.isEmpty)
    }

    @Test func trainingWithItIsReproducibleAndRecorded() throws {
        let data = TrainingData(SyntheticDigits.dataset(count: 300), validationSize: 60)
        var configuration = SyntheticDigits.configuration(threads: 2)
        var augmentation = Augmentation.standard
        augmentation.elasticSigma = 1
        augmentation.elasticAlpha = 1
        configuration.augmentation = augmentation
        let first = try Trainer(configuration: configuration).train(data: data).model
        let second = try Trainer(configuration: configuration).train(data: data).model
        #expect(try ModelFile.encode(first) == (try ModelFile.encode(second)))
        let plain = try Trainer(configuration: SyntheticDigits.configuration(threads: 2)).train(data: data).model
        #expect(first.layers != plain.layers)
        // The ranges are in the file and come back as the same augmentation (for --resume).
        #expect(first.hyperparameters.extra["augment_elastic_alpha"] == .float64(1))
        #expect(try TrainingConfiguration(resuming: first).augmentation == augmentation)
    }
}
