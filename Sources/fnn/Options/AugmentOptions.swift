import ArgumentParser
import FNNKit

/// `fnn train`'s training-time distortions (see `Augmentation`): `--augment` with the
/// standard ranges, each of which the options below may change (any of them turns
/// augmentation on).
struct AugmentOptions: ParsableArguments {
    @Flag(help: "Distort every training image at random, anew each epoch (affine, elastic, stroke width); reproducible from --seed.")
    var augment = false

    @Option(name: .customLong("augment-rotation"), help: ArgumentHelp("Rotate by up to ± this many degrees (default with --augment: 12).", valueName: "degrees"))
    var rotation: Double?

    @Option(name: .customLong("augment-scale"), help: ArgumentHelp("Scale by a factor within 1 ± this (default: 0.12).", valueName: "fraction"))
    var scale: Double?

    @Option(name: .customLong("augment-shear"), help: ArgumentHelp("Shear horizontally by up to ± this factor (default: 0.25).", valueName: "factor"))
    var shear: Double?

    @Option(name: .customLong("augment-translation"), help: ArgumentHelp("Move by up to ± this many pixels in x and y (default: 2).", valueName: "pixels"))
    var translation: Double?

    @Option(name: .customLong("elastic-sigma"), help: ArgumentHelp("Elastic distortion: the Gaussian's σ in pixels (Simard et al. 2003; default: 4).", valueName: "pixels"))
    var elasticSigma: Double?

    @Option(name: .customLong("elastic-alpha"), help: ArgumentHelp("Elastic distortion: its strength α (default: 34; 0 turns it off).", valueName: "alpha"))
    var elasticAlpha: Double?

    @Option(name: .customLong("stroke-change"), help: ArgumentHelp("The share of images whose strokes are made thicker or thinner by one pixel (default: 0.2).", valueName: "p"))
    var strokeChange: Double?

    /// The augmentation asked for, or nil.
    var augmentation: Augmentation? {
        let values = [rotation, scale, shear, translation, elasticSigma, elasticAlpha, strokeChange]
        guard augment || values.contains(where: { $0 != nil }) else { return nil }
        var result = Augmentation.standard
        if let rotation { result.rotationDegrees = rotation }
        if let scale { result.scale = scale }
        if let shear { result.shear = shear }
        if let translation { result.translation = translation }
        if let elasticSigma { result.elasticSigma = elasticSigma }
        if let elasticAlpha { result.elasticAlpha = elasticAlpha }
        if let strokeChange { result.strokeChange = strokeChange }
        return result
    }
}
