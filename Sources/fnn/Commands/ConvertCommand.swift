import ArgumentParser
import FNNKit

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "convert")
}
