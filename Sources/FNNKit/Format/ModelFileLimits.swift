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

/// Constants of the file layouts.
enum ModelFileLayout {
    /// `FNN1`, the version 1 magic.
    static let version1Magic: [UInt8] = [0x46, 0x4E, 0x4E, 0x31]
    /// The version 2 signature, built like PNG's.
    static let version2Signature: [UInt8] = [0x89, 0x46, 0x4E, 0x4E, 0x0D, 0x0A, 0x1A, 0x0A]
    /// `L`: little-endian.
    static let littleEndian: UInt8 = 0x4C
    static let headerSize = 24
    /// Tensor elements start at multiples of this file offset.
    static let tensorAlignment = 64
    /// The newest format version this fnn reads and writes.
    static let newestVersion = 2
}
