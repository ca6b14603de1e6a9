import ArgumentParser
import FNNKit

/// The `fnn` command: a thin layer over FNNKit.
@main
struct FNNCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fnn",
        abstract: "Train, inspect, convert and run feed-forward networks that read handwritten digits.",
        version: FNNVersion.description,
        subcommands: [TrainCommand.self, EvaluateCommand.self, InspectCommand.self, ConvertCommand.self]
    )
}
