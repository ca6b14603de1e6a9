import ArgumentParser
import FNNKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect")
}
