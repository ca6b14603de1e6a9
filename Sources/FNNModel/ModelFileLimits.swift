/// The hard limits of `formats/fnn-format.md`, checked before anything is allocated.
public enum ModelFileLimits {
    public static let maximumFileSize = Int(Int32.max)
    public static let layers = 1...64
    public static let layerSize = 1...65_536
    public static let maximumTensorElements = 1 << 28
    public static let maximumChunks = 65_536
    public static let maximumEntries = 4_096
    public static let keyLength = 1...255
    public static let maximumStringBytes = 1 << 20
    public static let maximumArrayElements = 1 << 20
    public static let maximumHistoryRecords = 100_000
}
