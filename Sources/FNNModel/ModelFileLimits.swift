/// The hard limits of `formats/fnn-format.md`, checked before anything is allocated.
package enum ModelFileLimits {
    package static let maximumFileSize = Int(Int32.max)
    package static let layers = 1...64
    package static let layerSize = 1...65_536
    package static let maximumTensorElements = 1 << 28
    package static let maximumChunks = 65_536
    package static let maximumEntries = 4_096
    package static let keyLength = 1...255
    package static let maximumStringBytes = 1 << 20
    package static let maximumArrayElements = 1 << 20
    package static let maximumHistoryRecords = 100_000
}
