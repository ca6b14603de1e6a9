import ArgumentParser
import FNNKit
import Foundation

/// The options of commands that read PNG images: the caps on what is decoded, and the
/// threads that decode.
struct ImageOptions: ParsableArguments {
    @Option(name: .customLong("max-file-size"), help: ArgumentHelp("Refuse PNG files larger than this many bytes.", valueName: "bytes"))
    var maxFileSize: Int = PNGLimits.standard.maximumFileSize

    @Option(name: .customLong("max-pixels"), help: ArgumentHelp("Refuse images with more pixels (width × height) than this.", valueName: "n"))
    var maxPixels: Int = PNGLimits.standard.maximumPixels

    @Option(help: ArgumentHelp("Threads for reading and decoding (default: all cores).", valueName: "n"))
    var threads: Int?

    func validate() throws {
        guard maxFileSize > 0, maxPixels > 0 else { throw ValidationError("--max-file-size and --max-pixels must be positive.") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    var limits: PNGLimits { PNGLimits(maximumFileSize: maxFileSize, maximumPixels: maxPixels) }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
