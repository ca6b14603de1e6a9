#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNModel

/// Training-time distortions of digit images, drawn anew for every image of every epoch
/// from the run's seed, so that a run repeats exactly (`fnn train --augment`):
///
/// 1. an affine map about the image centre: rotation by a uniform angle in
///    ±`rotationDegrees`, scale by a factor uniform in 1 ± `scale` (in x and y alike),
///    horizontal shear by a factor uniform in ±`shear`, translation by up to
///    ±`translation` pixels in x and y;
/// 2. an elastic distortion (Simard, Steinkraus and Platt 2003, "Best practices for
///    convolutional neural networks applied to visual document analysis", §2): a
///    displacement field of independent uniform values in [-1, 1] per pixel and
///    direction, convolved with a Gaussian of standard deviation `elasticSigma` pixels
///    and scaled by `elasticAlpha`; 0 for `elasticAlpha` turns it off;
/// 3. the image resampled at the displaced positions by bilinear interpolation (ink
///    outside the frame is background);
/// 4. with probability `strokeChange`, the stroke made thicker or thinner (equally often)
///    by one step of grey-level dilation or erosion over the 4-neighbourhood (a plus
///    shape).
///
/// The image is `rows × columns` 8-bit pixels, background 0 (MNIST's polarity).
package struct Augmentation: Sendable, Equatable {
    package var rotationDegrees: Double
    package var scale: Double
    package var shear: Double
    package var translation: Double
    package var elasticSigma: Double
    package var elasticAlpha: Double
    package var strokeChange: Double

    package init(
        rotationDegrees: Double, scale: Double, shear: Double, translation: Double, elasticSigma: Double,
        elasticAlpha: Double, strokeChange: Double
    ) {
        self.rotationDegrees = rotationDegrees
        self.scale = scale
        self.shear = shear
        self.translation = translation
        self.elasticSigma = elasticSigma
        self.elasticAlpha = elasticAlpha
        self.strokeChange = strokeChange
    }

    /// `--augment`'s defaults: ±12°, scale ±12 %, shear ±0.25, ±2 pixels, Simard's elastic
    /// σ = 4 and α = 34 (with the kernel normalised to sum 1, displacements of about 1.4
    /// pixels' standard deviation), stroke changed in a fifth of the images.
    package static let standard = Augmentation(
        rotationDegrees: 12, scale: 0.12, shear: 0.25, translation: 2, elasticSigma: 4, elasticAlpha: 34,
        strokeChange: 0.2)

    /// The hyperparameter keys a model file records the augmentation under.
    package var fields: [(String, Double)] {
        [
            ("augment_rotation_degrees", rotationDegrees), ("augment_scale", scale), ("augment_shear", shear),
            ("augment_translation", translation), ("augment_elastic_sigma", elasticSigma),
            ("augment_elastic_alpha", elasticAlpha), ("augment_stroke_change", strokeChange),
        ]
    }

    /// The augmentation a model file's hyperparameters record, or nil when they hold none.
    package init?(fields: [String: TypedValue]) {
        func value(_ key: String) -> Double? {
            if case .float64(let value) = fields[key] { return value }
            return nil
        }
        guard let rotation = value("augment_rotation_degrees"), let scale = value("augment_scale"),
            let shear = value("augment_shear"), let translation = value("augment_translation"),
            let sigma = value("augment_elastic_sigma"), let alpha = value("augment_elastic_alpha"),
            let stroke = value("augment_stroke_change")
        else { return nil }
        self.init(
            rotationDegrees: rotation, scale: scale, shear: shear, translation: translation, elasticSigma: sigma,
            elasticAlpha: alpha, strokeChange: stroke)
    }

    /// What is wrong with the ranges, if anything (each one bounded so that a digit stays
    /// recognisable).
    package var problems: [String] {
        var problems: [String] = []
        func check(_ value: Double, _ range: ClosedRange<Double>, _ text: String) {
            if !(value.isFinite && range.contains(value)) { problems.append("\(text) must be from \(range.lowerBound) to \(range.upperBound)") }
        }
        check(rotationDegrees, 0...45, "the augmentation rotation (degrees)")
        check(scale, 0...0.5, "the augmentation scale range")
        check(shear, 0...1, "the augmentation shear")
        check(translation, 0...8, "the augmentation translation (pixels)")
        check(elasticSigma, 0.5...16, "the elastic sigma (pixels)")
        check(elasticAlpha, 0...64, "the elastic alpha")
        check(strokeChange, 0...1, "the stroke-change probability")
        return problems
    }

    /// Reusable buffers for one thread's images of one size.
    package struct Workspace: Sendable {
        let rows: Int
        let columns: Int
        var kernel: [Float]
        var fieldX: [Float]
        var fieldY: [Float]
        var blurred: [Float]
        var image: [UInt8]

        package init(rows: Int, columns: Int, sigma: Double) {
            self.rows = rows
            self.columns = columns
            let radius = max(1, Int((3 * sigma).rounded(.up)))
            var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
            let sum = kernel.reduce(0, +)
            for index in kernel.indices { kernel[index] /= sum }
            self.kernel = kernel.map { Float($0) }
            fieldX = [Float](repeating: 0, count: rows * columns)
            fieldY = fieldX
            blurred = fieldX
            image = [UInt8](repeating: 0, count: rows * columns)
        }
    }

    /// Writes a distorted copy of `source` (`rows × columns`) into `target`.
    package func apply(
        _ source: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<UInt8>, workspace: inout Workspace,
        random: inout SplitMix64
    ) {
        let rows = workspace.rows
        let columns = workspace.columns
        // 1. The affine map, target → source: p_source = A⁻¹ (p − c − t) + c.
        let angle = (random.nextUnit() * 2 - 1) * rotationDegrees * Double.pi / 180
        let factor = 1 + (random.nextUnit() * 2 - 1) * scale
        let skew = (random.nextUnit() * 2 - 1) * shear
        let shiftX = (random.nextUnit() * 2 - 1) * translation
        let shiftY = (random.nextUnit() * 2 - 1) * translation
        // A = R(angle) · S(factor) · H(skew); its inverse, row by row.
        let (c, s) = (cos(angle), sin(angle))
        let a11 = factor * c, a12 = factor * (c * skew - s), a21 = factor * s, a22 = factor * (s * skew + c)
        let determinant = a11 * a22 - a12 * a21
        let i11 = a22 / determinant, i12 = -a12 / determinant, i21 = -a21 / determinant, i22 = a11 / determinant
        let centreX = Double(columns - 1) / 2
        let centreY = Double(rows - 1) / 2

        // 2. The elastic field, if any.
        let elastic = elasticAlpha > 0
        if elastic {
            for index in 0..<(rows * columns) {
                // 24 random bits each: uniform in [-1, 1).
                let bits = random.next()
                workspace.fieldX[index] = Float(bits >> 40) * 0x1p-23 - 1
                workspace.fieldY[index] = Float((bits >> 16) & 0xFF_FFFF) * 0x1p-23 - 1
            }
            Self.blur(&workspace.fieldX, scratch: &workspace.blurred, kernel: workspace.kernel, rows: rows, columns: columns)
            Self.blur(&workspace.fieldY, scratch: &workspace.blurred, kernel: workspace.kernel, rows: rows, columns: columns)
        }

        // 3. Resampling.
        let stroke = random.nextUnit()
        let thicker = random.next() & 1 == 0
        let changesStroke = stroke < strokeChange
        let alpha = elasticAlpha
        let fieldX = workspace.fieldX
        let fieldY = workspace.fieldY
        workspace.image.withUnsafeMutableBufferPointer { out in
            for y in 0..<rows {
                for x in 0..<columns {
                    var px = Double(x), py = Double(y)
                    if elastic {
                        px += alpha * Double(fieldX[y &* columns &+ x])
                        py += alpha * Double(fieldY[y &* columns &+ x])
                    }
                    let dx = px - centreX - shiftX
                    let dy = py - centreY - shiftY
                    let sx = i11 * dx + i12 * dy + centreX
                    let sy = i21 * dx + i22 * dy + centreY
                    out[y * columns + x] = Self.sample(source, rows: rows, columns: columns, x: sx, y: sy)
                }
            }
            // 4. Stroke width.
            if changesStroke {
                Self.morph(out, into: target, rows: rows, columns: columns, dilate: thicker)
            } else {
                for index in 0..<(rows * columns) { target[index] = out[index] }
            }
        }
    }

    /// Bilinear interpolation at (`x`, `y`), background outside the image.
    @inline(__always)
    static func sample(_ image: UnsafeBufferPointer<UInt8>, rows: Int, columns: Int, x: Double, y: Double) -> UInt8 {
        guard x > -1, y > -1, x < Double(columns), y < Double(rows) else { return 0 }
        // floor for values above -1, without a call into libm.
        let x0 = Int(x + 1) &- 1, y0 = Int(y + 1) &- 1
        let fx = x - Double(x0), fy = y - Double(y0)
        let value: Double
        if x0 >= 0, y0 >= 0, x0 < columns &- 1, y0 < rows &- 1 {
            // Inside: the four neighbours without bounds checks.
            let base = y0 &* columns &+ x0
            let top = Double(image[base]) * (1 - fx) + Double(image[base &+ 1]) * fx
            let bottom = Double(image[base &+ columns]) * (1 - fx) + Double(image[base &+ columns &+ 1]) * fx
            value = top * (1 - fy) + bottom * fy
        } else {
            func pixel(_ px: Int, _ py: Int) -> Double {
                px >= 0 && py >= 0 && px < columns && py < rows ? Double(image[py &* columns &+ px]) : 0
            }
            let top = pixel(x0, y0) * (1 - fx) + pixel(x0 + 1, y0) * fx
            let bottom = pixel(x0, y0 + 1) * (1 - fx) + pixel(x0 + 1, y0 + 1) * fx
            value = top * (1 - fy) + bottom * fy
        }
        return UInt8(max(0, min(255, value + 0.5)))
    }

    /// Separable Gaussian blur of `field` in place, zero outside the image (as
    /// `scipy.ndimage.gaussian_filter(mode="constant")`, the usual implementation of
    /// Simard's distortion). Written as shifted row additions, which vectorise.
    static func blur(_ field: inout [Float], scratch: inout [Float], kernel: [Float], rows: Int, columns: Int) {
        let radius = kernel.count / 2
        field.withUnsafeMutableBufferPointer { field in
            scratch.withUnsafeMutableBufferPointer { scratch in
                for index in 0..<(rows &* columns) { scratch[index] = 0 }
                for y in 0..<rows {
                    let line = y &* columns
                    for k in 0..<kernel.count {
                        let weight = kernel[k]
                        let offset = k &- radius
                        let start = max(0, -offset)
                        let end = min(columns, columns &- offset)
                        guard start < end else { continue }
                        for x in start..<end { scratch[line &+ x] += weight * field[line &+ x &+ offset] }
                    }
                }
                for index in 0..<(rows &* columns) { field[index] = 0 }
                for k in 0..<kernel.count {
                    let weight = kernel[k]
                    let offset = k &- radius
                    let start = max(0, -offset)
                    let end = min(rows, rows &- offset)
                    guard start < end else { continue }
                    for y in start..<end {
                        let line = y &* columns
                        let source = (y &+ offset) &* columns
                        for x in 0..<columns { field[line &+ x] += weight * scratch[source &+ x] }
                    }
                }
            }
        }
    }

    /// One step of grey-level dilation (the brightest of a pixel and its four neighbours:
    /// a thicker stroke) or erosion (the darkest: a thinner one).
    static func morph(
        _ image: UnsafeMutableBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<UInt8>, rows: Int, columns: Int,
        dilate: Bool
    ) {
        for y in 0..<rows {
            for x in 0..<columns {
                var value = image[y * columns + x]
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] {
                    let neighbour: UInt8 = nx >= 0 && ny >= 0 && nx < columns && ny < rows ? image[ny * columns + nx] : 0
                    value = dilate ? max(value, neighbour) : min(value, neighbour)
                }
                target[y * columns + x] = value
            }
        }
    }
}
