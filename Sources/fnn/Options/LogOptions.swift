import ArgumentParser
import FNNKit
import Logging

/// The log options of the long-running commands (watch, serve).
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-format"), help: ArgumentHelp("The format of the log lines.", valueName: "format"))
    var logFormat: StandardErrorLogHandler.Format = .text

    @Option(name: .customLong("log-level"), help: ArgumentHelp("The least severe log lines to write.", valueName: "level"))
    var logLevel: LogLevel = .info

    /// Sends every log line to standard error in the chosen format.
    func bootstrap() {
        let format = logFormat
        let level = logLevel.level
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, format: format, level: level) }
    }
}

extension StandardErrorLogHandler.Format: ExpressibleByArgument {}

/// The levels of `--log-level`, from the most to the least verbose.
enum LogLevel: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}
