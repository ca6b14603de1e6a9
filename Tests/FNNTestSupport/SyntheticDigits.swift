import FNNKit

/// A small, learnable dataset: 4 × 4 images of three classes (ink on the left, on the
/// right, or at the top), with random faint noise, so training tests run in milliseconds.
package enum SyntheticDigits {
    package static func dataset(count: Int, seed: UInt64 = 3) -> MNISTDataset {
        var random = SplitMix64(seed: seed)
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for _ in 0..<count {
            let label = Int(random.next() % 3)
            for y in 0..<4 {
                for x in 0..<4 {
                    let ink: Bool
                    switch label {
                    case 0: ink = x < 2
                    case 1: ink = x >= 2
                    default: ink = y < 2
                    }
                    let noise = random.next() % 4 == 0 ? UInt8(random.next() % 60) : 0
                    pixels.append(ink ? UInt8(150 + random.next() % 100) : noise)
                }
            }
            labels.append(UInt8(label))
        }
        return MNISTDataset(count: count, rows: 4, columns: 4, pixels: pixels, labels: labels)
    }

    /// A configuration that learns the dataset in a few epochs.
    package static func configuration(seed: UInt64 = 7, threads: Int = 1) -> TrainingConfiguration {
        TrainingConfiguration(
            layerSizes: [16, 8, 3], hiddenActivation: .relu, outputActivation: .softmax, cost: .crossEntropy,
            epochs: 4, batchSize: 8, learningRate: 0.1, weightDecay: 1, momentum: 0.9, initialization: .he,
            schedule: .cosine, seed: seed, threads: threads, validationSize: 60)
    }
}

import Foundation

extension SyntheticDigits {
    /// Writes a training and a test set as the four MNIST-named IDX files in `folder`.
    package static func writeIDX(to folder: String, training: Int = 600, test: Int = 200) throws {
        for (prefix, count, seed) in [("train", training, UInt64(11)), ("t10k", test, UInt64(12))] {
            let data = dataset(count: count, seed: seed)
            try Data(idx(magic: 0x803, dimensions: [count, 4, 4], data.pixels))
                .write(to: URL(fileURLWithPath: "\(folder)/\(prefix)-images-idx3-ubyte"))
            try Data(idx(magic: 0x801, dimensions: [count], data.labels))
                .write(to: URL(fileURLWithPath: "\(folder)/\(prefix)-labels-idx1-ubyte"))
        }
    }

    package static func idx(magic: UInt32, dimensions: [Int], _ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in [Int(magic)] + dimensions {
            bytes += [UInt8((value >> 24) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        return bytes + payload
    }
}
