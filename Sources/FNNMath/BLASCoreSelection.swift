#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNSupport

/// Checks the compute kernel OpenBLAS picked against what the processor can do.
///
/// Some OpenBLAS builds (Debian 12's 0.3.21 among them) mistake newer processors for old
/// ones and run a generic kernel several times slower (measured: sgemm 1024³ at ~40
/// GFLOP/s as "Prescott" against ~230 as "SkylakeX" on the same Xeon). OpenBLAS reads
/// `OPENBLAS_CORETYPE` once, when it is loaded, so the correction is to set the variable
/// and start the program again; fnn never overrides a value the user set.
package enum BLASCoreSelection {
    /// The instruction-set level of a kernel: higher is faster.
    enum Level: Int, Comparable, Sendable {
        case sse = 1
        case avx = 2
        case avx2 = 3
        case avx512 = 4

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The OpenBLAS core name that stands for this level.
        var coreName: String {
            switch self {
            case .sse: "Nehalem"
            case .avx: "Sandybridge"
            case .avx2: "Haswell"
            case .avx512: "SkylakeX"
            }
        }
    }

    /// The level of an OpenBLAS core name, or `nil` for one fnn does not know (left alone).
    static func level(ofCore name: String) -> Level? {
        switch name.lowercased() {
        case "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "opteron", "opteron_sse3", "barcelona",
            "nano", "katmai", "coppermine", "northwood", "banias", "athlon":
            .sse
        case "sandybridge", "bulldozer", "piledriver", "steamroller":
            .avx
        case "haswell", "zen", "excavator":
            .avx2
        case "skylakex", "cooperlake", "sapphirerapids":
            .avx512
        default:
            nil
        }
    }

    /// The best level the processor supports, from its feature flags.
    static func level(ofFlags flags: Set<String>) -> Level {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(flags.contains) { return .avx512 }
        if flags.contains("avx2") && flags.contains("fma") { return .avx2 }
        if flags.contains("avx") { return .avx }
        return .sse
    }

    /// The core to run instead of `chosen`, or `nil` to keep it: when the user has not set
    /// `OPENBLAS_CORETYPE` and the processor supports a faster kernel than OpenBLAS chose.
    package static func correction(chosen: String, cpuFlags: Set<String>, userSetting: String?) -> String? {
        guard userSetting == nil, let current = level(ofCore: chosen) else { return nil }
        let best = level(ofFlags: cpuFlags)
        return best > current ? best.coreName : nil
    }

    /// The processor's feature flags from `/proc/cpuinfo` (empty elsewhere).
    package static func cpuFlags() -> Set<String> {
        guard let bytes = try? FileBytes.read("/proc/cpuinfo", limit: 1 << 24) else { return [] }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The environment variable that marks a process fnn has restarted for a better kernel.
    package static let restartMarker = "FNN_BLAS_CORRECTED_FROM"

    /// Restarts the running program with a faster OpenBLAS kernel when OpenBLAS chose a
    /// slow one; returns (without restarting) when there is nothing to correct or the
    /// restart fails.
    ///
    /// Call it first thing in `main`, before any work. The corresponding C function is
    /// `execv`.
    /// The arguments passed on are the process's own `argv`, byte for byte: Swift's
    /// `CommandLine.arguments` would replace bytes that are not UTF-8 (a file name such
    /// as `caf\xE9.png`) with U+FFFD.
    package static func restartWithBestCoreIfNeeded() {
        #if os(Linux)
        let environment = Environment.variables
        guard environment[restartMarker] == nil else { return }
        let chosen = environment["FNN_TEST_BLAS_CORE"] ?? BLAS.coreName
        guard let better = correction(chosen: chosen, cpuFlags: cpuFlags(), userSetting: environment["OPENBLAS_CORETYPE"])
        else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(restartMarker, chosen, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached if the restart failed: carry on with the kernel we have.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(restartMarker)
        #endif
    }

    /// A note for `--version` when fnn corrected OpenBLAS's choice.
    package static var correctionNote: String? {
        guard let original = Environment.variables[restartMarker] else { return nil }
        return "fnn set OPENBLAS_CORETYPE=\(BLAS.coreName) because OpenBLAS chose \(original) for this processor"
    }
}

/// The process environment, read without Foundation.
enum Environment {
    static var variables: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
