import ArgumentParser
import FNNKit

/// The `fnn` command: a thin layer over FNNKit.
@main
struct FNNCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fnn",
        abstract: "Train, inspect, convert and run feed-forward networks that read handwritten digits.",
        version: FNNVersion.description,
        subcommands: [PredictCommand.self, ReportCommand.self, WatchCommand.self, ServeCommand.self, TrainCommand.self, EvaluateCommand.self, InspectCommand.self, ConvertCommand.self, ExportCommand.self]
    )

    static func main() async {
        // Before any work: OpenBLAS may have picked a slow kernel for this processor.
        BLASCoreSelection.restartWithBestCoreIfNeeded()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
