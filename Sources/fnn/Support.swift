import ArgumentParser
import FNNKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error whose text is the whole message; ArgumentParser prints it as `Error: …` and
/// exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A typed error from the library with what the command was doing when it came: the
/// error itself stays whole (its code, file, offset and field), and the user reads
/// `context: error`.
struct InContext: Error, CustomStringConvertible {
    var context: String
    var underlying: any Error
    init(_ context: String, _ underlying: any Error) {
        self.context = context
        self.underlying = underlying
    }
    var description: String { "\(context): \(underlying)" }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    writeStandardError(text + "\n")
}

/// Writes text to standard error as it is (for progress lines that rewrite themselves).
func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let result = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress.map { $0 + written }, $0.count - written) }
        if result <= 0 { return }
        written += result
    }
}

/// Whether standard error is a terminal (for progress bars).
var standardErrorIsTerminal: Bool { isatty(2) != 0 }

extension ModelFileError {
    /// The error without its path (for messages that already name the file).
    func at(path: String?) -> ModelFileError {
        var copy = self
        copy.path = path
        return copy
    }
}

/// Checks, in `validate()`, a value that may be given either as a positional argument or
/// as an option (`<output>` or `-o, --output`; `<model>` or `--model`): not both, and,
/// when `required`, one of them.
/// - Parameters:
///   - argument: the positional argument's value, if given.
///   - option: the option's value, if given.
///   - what: what the value names, for messages (`output`, `model`).
///   - optionName: the option's spelling in messages (`-o/--output`).
///   - required: whether leaving both out is an error.
/// - Returns: the value, or nil when neither was given and that is allowed.
@discardableResult
func argumentOrOption(_ argument: String?, _ option: String?, what: String, optionName: String, required: Bool) throws -> String? {
    switch (argument, option) {
    case (.some, .some): throw ValidationError("Name the \(what) once: as the <\(what)> argument or with \(optionName), not both.")
    case (nil, nil) where required: throw ValidationError("Name the \(what): as the <\(what)> argument or with \(optionName).")
    default: return argument ?? option
    }
}

/// Draws a picture and writes it as PNG, atomically, never replacing a file without `force`.
func writePicture(to path: String, force: Bool, _ draw: () throws -> Canvas) throws {
    if !force, FileSystem.exists(path) { throw CLIError("\(path) already exists; pass --force to replace it.") }
    do {
        try AtomicFile.write(try draw().png(), to: path, overwrite: force)
    } catch let error as CLIError {
        throw error
    } catch {
        throw InContext("cannot draw \(path)", error)
    }
    printError("wrote \(path)")
}
