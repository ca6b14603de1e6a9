import FNNModel

extension TrainingConfiguration {
    /// The configuration a model was trained with, read back from its architecture and
    /// hyperparameters, to resume training it.
    ///
    /// - Throws: `TrainingSetupError` when the model does not record what resuming needs.
    package init(resuming model: Model) throws(TrainingSetupError) {
        let hyperparameters = model.hyperparameters
        guard let learningRate = hyperparameters.learningRate, let batchSize = hyperparameters.batchSize,
            let epochs = hyperparameters.epochs
        else {
            throw TrainingSetupError("the model does not record its learning rate, batch size and epochs, so training cannot resume from it")
        }
        guard let output = model.layers.last?.activation else { throw TrainingSetupError("the model has no layers") }
        let hidden = model.layers.count > 1 ? model.layers[0].activation : .sigmoid
        if model.layers.dropLast().contains(where: { $0.activation != hidden }) {
            throw TrainingSetupError("fnn trains one hidden activation; this model mixes several")
        }
        func extraInt(_ key: String) -> Int? {
            if case .int64(let value) = hyperparameters.extra[key] { return Int(value) }
            return nil
        }
        var stepFactor = 0.1
        if case .float64(let value) = hyperparameters.extra["lr_step_factor"] { stepFactor = value }
        self.init(
            layerSizes: model.sizes, hiddenActivation: hidden, outputActivation: output, cost: model.cost,
            epochs: epochs, batchSize: batchSize, learningRate: learningRate,
            weightDecay: hyperparameters.weightDecay ?? 0, momentum: hyperparameters.momentum ?? 0,
            initialization: hyperparameters.initialization ?? .normal,
            schedule: hyperparameters.learningRateSchedule ?? .constant, stepEpochs: extraInt("lr_step_epochs") ?? 10,
            stepFactor: stepFactor, earlyStopPatience: hyperparameters.earlyStopPatience ?? 0,
            seed: hyperparameters.seed ?? 1, threads: hyperparameters.threads ?? 1,
            validationSize: hyperparameters.validationSize ?? 10_000, augmentShift: extraInt("augment_shift") ?? 0,
            augmentation: Augmentation(fields: hyperparameters.extra),
            precision: model.numberTypes == [.f64] ? .f64 : .f32)
    }
}

/// Settings or data that cannot be trained on, found before training starts.
package struct TrainingSetupError: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
