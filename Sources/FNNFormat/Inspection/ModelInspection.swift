import FNNModel
import FNNSupport

/// Everything `fnn inspect` reports about a model file: its version, each checksum with
/// its verdict, its chunks, and the model when the file is intact.
package struct ModelInspection: Sendable {
    /// One checksum and whether it matches.
    package struct Check: Sendable, Equatable {
        /// E.g. "header CRC-32", "chunk TENS CRC-32", "file SHA-256".
        package var name: String
        /// The offset where the stored checksum is.
        package var offset: Int
        /// The bytes it covers, as text.
        package var covers: String
        package var stored: String
        package var computed: String
        package var matches: Bool
    }

    /// One chunk of a version 2 file.
    package struct Chunk: Sendable, Equatable {
        package var type: String
        package var offset: Int
        package var length: Int
        package var isCritical: Bool
        package var crcMatches: Bool
    }

    package var byteCount: Int
    package var formatVersion: Int?
    package var minimumReaderVersion: Int?
    package var checks: [Check]
    package var chunks: [Chunk]
    package var model: Model?
    /// The first problem, when the file is not intact.
    package var error: ModelFileError?

    package var isIntact: Bool { error == nil && model != nil }

    /// Inspects a model file's bytes: a strict read for the verdict, and a lenient walk
    /// that reports every checksum it can reach even in a damaged file.
    package static func inspect(_ bytes: [UInt8]) -> ModelInspection {
        var inspection = ModelInspection(
            byteCount: bytes.count, formatVersion: nil, minimumReaderVersion: nil, checks: [], chunks: [],
            model: nil, error: nil)
        do {
            let loaded = try ModelFile.decode(bytes)
            inspection.model = loaded.model
            inspection.formatVersion = loaded.formatVersion
            inspection.minimumReaderVersion = loaded.minimumReaderVersion
        } catch {
            inspection.error = error
        }
        switch ModelFile.version(of: bytes) {
        case 1: inspection.walkVersion1(bytes)
        case 2: inspection.walkVersion2(bytes)
        default: break
        }
        return inspection
    }

    private mutating func walkVersion1(_ bytes: [UInt8]) {
        formatVersion = formatVersion ?? 1
        guard bytes.count >= 8 else { return }
        let stored = ByteReader(bytes).peek(UInt32.self, at: bytes.count - 4) ?? 0
        let computed = Zlib.crc32(bytes[0..<(bytes.count - 4)])
        checks.append(
            Check(
                name: "file CRC-32", offset: bytes.count - 4, covers: "bytes 0–\(bytes.count - 5)",
                stored: hex32(stored), computed: hex32(computed), matches: stored == computed))
    }

    private mutating func walkVersion2(_ bytes: [UInt8]) {
        guard let header = ModelFileV2.headerFields(bytes) else { return }
        formatVersion = formatVersion ?? header.formatVersion
        minimumReaderVersion = minimumReaderVersion ?? header.minimumReaderVersion
        let stored = header.storedCRC
        let computed = Zlib.crc32(bytes[0..<20])
        checks.append(
            Check(
                name: "header CRC-32", offset: 20, covers: "bytes 0–19", stored: hex32(stored),
                computed: hex32(computed), matches: stored == computed))
        for case .success(let frame) in ChunkWalk(bytes) {
            chunks.append(
                Chunk(
                    type: frame.type, offset: frame.offset, length: frame.length, isCritical: frame.isCritical,
                    crcMatches: frame.crcMatches))
            checks.append(
                Check(
                    name: "chunk \(frame.type) CRC-32", offset: frame.dataStart + frame.length,
                    covers: "bytes \(frame.offset + 4)–\(frame.dataStart + frame.length - 1)",
                    stored: hex32(frame.storedCRC), computed: hex32(frame.computedCRC), matches: frame.crcMatches))
            if frame.type == "FEND", frame.length == 32 {
                let stored = Array(bytes[frame.dataStart..<(frame.dataStart + 32)])
                let computed = SHA256Digest.digest(bytes[0..<frame.offset])
                checks.append(
                    Check(
                        name: "file SHA-256", offset: frame.dataStart, covers: "bytes 0–\(frame.offset - 1)",
                        stored: SHA256Digest.hex(stored), computed: SHA256Digest.hex(computed),
                        matches: stored == computed))
            }
        }
    }
}
