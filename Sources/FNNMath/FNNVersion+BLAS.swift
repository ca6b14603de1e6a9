import FNNSupport

extension FNNVersion {
    /// The version line plus the BLAS library and the kernel it chose.
    package static var description: String {
        var text = "\(number)\nBLAS: \(BLAS.configuration) (core: \(BLAS.coreName))"
        if let note = BLASCoreSelection.correctionNote { text += "\n" + note }
        return text
    }
}
