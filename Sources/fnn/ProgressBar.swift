import Foundation
import FNNKit

/// A one-line progress bar on standard error that redraws itself in place.
struct ProgressBar {
    var width = 24

    /// The bar for `fraction` (0…1), e.g. `[#######·················]`.
    func bar(_ fraction: Double) -> String {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled) + "]"
    }

    /// Redraws the line.
    func draw(_ text: String) {
        writeStandardError("\r\u{1B}[K" + text)
    }

    /// Clears the line.
    func clear() {
        writeStandardError("\r\u{1B}[K")
    }
}

/// `12.3 s`, `4 min 5 s`.
func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    if seconds < 10 { return String(format: "%.3f s", seconds) }
    if seconds < 60 { return String(format: "%.1f s", seconds) }
    let whole = Int(seconds.rounded())
    return "\(whole / 60) min \(whole % 60) s"
}
