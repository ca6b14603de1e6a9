import FNNModel
import FNNSupport

/// One chunk's framing in a version 2 file: where it is, its type and its CRC.
struct ChunkFrame: Sendable, Equatable {
    /// The offset of the chunk's length field.
    var offset: Int
    var length: Int
    var type: String
    var storedCRC: UInt32
    var computedCRC: UInt32

    /// The offset of the first data byte.
    var dataStart: Int { offset + 8 }
    /// The offset just after the chunk's CRC.
    var end: Int { offset + 12 + length }
    var crcMatches: Bool { storedCRC == computedCRC }
    /// Critical chunks have an upper-case first letter.
    var isCritical: Bool { type.utf8.first.map { $0 & 0x20 == 0 } ?? true }

    /// Reads the frame of the chunk at `offset`, checking that it fits in the file and
    /// that its type is four ASCII letters. The CRC is computed, not yet compared.
    static func read(_ bytes: [UInt8], at offset: Int) throws(ModelFileError) -> ChunkFrame {
        let reader = ByteReader(bytes)
        guard let length32 = reader.peek(UInt32.self, at: offset), offset + 8 <= bytes.count else {
            throw ModelFileError(
                .truncated, "the file ends inside a chunk header (\(bytes.count - offset) bytes left)",
                offset: offset)
        }
        let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
        let typeText = String(decoding: typeBytes, as: UTF8.self)
        let length = Int(length32)
        guard length <= bytes.count - offset - 12 else {
            let isLetters = typeBytes.allSatisfy(\.isASCIILetter)
            throw ModelFileError(
                .truncated,
                "the chunk declares \(length) data bytes but only \(max(0, bytes.count - offset - 12)) remain (truncated or damaged file)",
                offset: offset, chunk: isLetters ? typeText : nil)
        }
        guard typeBytes.allSatisfy(\.isASCIILetter) else {
            throw ModelFileError(
                .invalid, "the chunk type \(typeBytes.map { hex8($0) }.joined(separator: " ")) is not four ASCII letters",
                offset: offset + 4)
        }
        let stored = reader.peek(UInt32.self, at: offset + 8 + length) ?? 0
        let computed = Zlib.crc32(bytes[(offset + 4)..<(offset + 8 + length)])
        return ChunkFrame(
            offset: offset, length: length, type: typeText, storedCRC: stored, computedCRC: computed)
    }
}

/// The chunks of a version 2 file, one frame after another from the end of the header:
/// the one walk over chunk bytes that the reader and `fnn inspect` share. It yields each
/// frame, or the failure that stops the walk (a frame that does not fit, too many chunks,
/// the end of the file before FEND), and ends after FEND or a failure.
struct ChunkWalk: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var offset = ModelFileLayout.headerSize
    private var count = 0
    private var finished = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() -> Result<ChunkFrame, ModelFileError>? {
        guard !finished else { return nil }
        guard offset < bytes.count else {
            finished = true
            return .failure(ModelFileError(
                .truncated, "the file ends without its closing FEND chunk (truncated file)", offset: bytes.count))
        }
        count += 1
        guard count <= ModelFileLimits.maximumChunks else {
            finished = true
            return .failure(ModelFileError(.limit, "more than \(ModelFileLimits.maximumChunks) chunks", offset: offset))
        }
        do {
            let frame = try ChunkFrame.read(bytes, at: offset)
            offset = frame.end
            finished = frame.type == "FEND"
            return .success(frame)
        } catch {
            finished = true
            return .failure(error)
        }
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) }
}
