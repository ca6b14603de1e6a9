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
