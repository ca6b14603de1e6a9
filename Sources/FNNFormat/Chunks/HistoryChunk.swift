import FNNModel
import FNNSupport

/// The payload of `hist`: one 48-byte record per epoch.
enum HistoryChunk {
    static let recordSize = 48

    static func read(_ bytes: [UInt8], _ frame: ChunkFrame) throws(ModelFileError) -> [EpochRecord] {
        let start = frame.dataStart
        func fail(_ code: ModelFileError.Code, _ message: String, at offset: Int) -> ModelFileError {
            ModelFileError(code, message, offset: offset, chunk: "hist")
        }
        var reader = ByteReader(bytes, start: start, end: start + frame.length)
        guard let count = reader.readUInt32().map(Int.init) else {
            throw fail(.invalid, "the chunk is too short for its record count", at: frame.offset)
        }
        guard count <= ModelFileLimits.maximumHistoryRecords else {
            throw fail(.limit, "\(count) history records exceed the limit of 100000", at: start)
        }
        guard frame.length == 4 + recordSize * count else {
            throw fail(
                .invalid, "hist holds \(frame.length) bytes; \(count) records need \(4 + recordSize * count)",
                at: frame.offset)
        }
        var records: [EpochRecord] = []
        for _ in 0..<count {
            let epoch = Int(reader.readUInt32() ?? 0)
            let reservedOffset = reader.offset
            guard reader.readUInt32() == 0 else { throw fail(.invalid, "reserved field is not zero", at: reservedOffset) }
            records.append(
                EpochRecord(
                    epoch: epoch, trainingCost: reader.readFloat64() ?? 0,
                    trainingAccuracy: reader.readFloat64() ?? 0,
                    validationAccuracy: reader.readFloat64() ?? 0, learningRate: reader.readFloat64() ?? 0,
                    seconds: reader.readFloat64() ?? 0))
        }
        return records
    }

    static func write(_ records: [EpochRecord], to writer: inout ByteWriter) {
        writer.write(UInt32(records.count))
        for record in records {
            writer.write(UInt32(clamping: record.epoch))
            writer.write(UInt32(0))
            writer.write(record.trainingCost)
            writer.write(record.trainingAccuracy)
            writer.write(record.validationAccuracy)
            writer.write(record.learningRate)
            writer.write(record.seconds)
        }
    }
}
