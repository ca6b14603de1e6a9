import FNNKit
import FNNTestSupport
import Testing

@Suite struct PNGDecoderTests {
    static let gradient = GrayImage(width: 5, height: 3, pixels: (0..<15).map { UInt8($0 * 17) })

    @Test func roundTripsGrey() throws {
        let bytes = try PNGCodec.encode(Self.gradient)
        #expect(PNGCodec.hasSignature(bytes))
        #expect(try PNGDecoder().decode(bytes) == Self.gradient)
    }

    @Test func refusesWhatIsNotACompletePNG() throws {
        let bytes = try PNGCodec.encode(Self.gradient)
        let cases: [([UInt8], ImageError.Code)] = [
            ([], .notPNG),
            (Array("hello".utf8), .notPNG),
            (Array(bytes.prefix(bytes.count - 1)), .truncated),
            (Array(bytes.prefix(bytes.count / 2)), .truncated),
            (Array(bytes.dropLast(12)), .truncated),
        ]
        for (input, code) in cases {
            let error = #expect(throws: ImageError.self) { try PNGDecoder().decode(input) }
            #expect(error?.code == code)
        }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0xFF
        let error = #expect(throws: ImageError.self) { try PNGDecoder().decode(damaged) }
        #expect(error?.code == .corrupt)
    }

    @Test func capsPixelsBeforeDecoding() throws {
        let image = GrayImage(width: 100, height: 100, pixels: [UInt8](repeating: 7, count: 10_000))
        let bytes = try PNGCodec.encode(image)
        let decoder = PNGDecoder(limits: PNGLimits(maximumFileSize: 1 << 20, maximumPixels: 9_999))
        let error = #expect(throws: ImageError.self) { try decoder.decode(bytes) }
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("100 × 100") == true)
        #expect(try PNGDecoder(limits: PNGLimits(maximumFileSize: 1 << 20, maximumPixels: 10_000)).decode(bytes) == image)
    }

    @Test func capsFileSizeBeforeReading() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/big.png"
        let bytes = try PNGCodec.encode(GrayImage(width: 100, height: 100, pixels: (0..<10_000).map { UInt8($0 % 251) }))
        try AtomicFile.write(bytes, to: path, overwrite: false)
        let decoder = PNGDecoder(limits: PNGLimits(maximumFileSize: bytes.count - 1, maximumPixels: 1 << 24))
        let error = #expect(throws: ImageError.self) { try decoder.read(path) }
        #expect(error?.code == .tooLarge)
        let missing = #expect(throws: ImageError.self) { try PNGDecoder().read(folder + "/nothing.png") }
        #expect(missing?.code == .unreadable)
    }
}
