import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// The files of `Tests/Fixtures/png/hostile/`, written by `make_hostile.py`: each is
/// refused with its typed error, quickly and without a large allocation, or (the
/// `ok-*` ones and the dropped-chunk ones) decodes exactly.
@Suite struct PNGHostileTests {
    static let folder = Fixtures.root + "/Tests/Fixtures/png/hostile"

    static func bytes(_ name: String) throws -> [UInt8] {
        try Fixtures.bytes(folder + "/" + name)
    }

    /// Every refused file, its error code and a part of its message.
    static let refused: [(String, ImageError.Code, String)] = {
        let huge = [
            "tEXt", "iTXt", "zTXt", "pCAL", "iCCP", "sPLT", "sCAL", "eXIf", "sTER", "bKGD", "cHRM", "gAMA", "hIST",
            "pHYs", "sBIT", "sRGB", "tIME", "tRNS", "juNK", "juNk", "IDAT", "PLTE",
        ].map { ("huge-\($0).png", ImageError.Code.corrupt, "the \($0) chunk at byte 33 declares 2147483647 bytes, but only 12 follow it") }
        return huge + [
            ("chunk-length-ffffffff.png", .corrupt, "declares 4294967295 bytes, over PNG's maximum of 2147483647"),
            ("idat-zero-bomb.png", .tooLarge, "the IDAT chunks hold 132744 bytes of compressed data for a 28 × 28 image of 812 bytes"),
            ("idat-inflates-past-image.png", .tooLarge, "the image data inflates past the 812 bytes a 28 × 28 image needs"),
            ("ihdr-1x1000001.png", .tooLarge, "the IHDR height is 1000001 pixels, over fnn's limit of 1000000 pixels per side"),
            ("ihdr-1000001x1.png", .tooLarge, "the IHDR width is 1000001 pixels"),
            ("ihdr-width-0.png", .corrupt, "the IHDR width is 0; PNG allows 1 to 2147483647"),
            ("ihdr-height-0.png", .corrupt, "the IHDR height is 0"),
            ("ihdr-width-2pow31.png", .corrupt, "the IHDR width is 2147483648; PNG allows 1 to 2147483647"),
            ("ihdr-height-ffffffff.png", .corrupt, "the IHDR height is 4294967295"),
            ("ihdr-bit-depth-3.png", .corrupt, "the IHDR bit depth is 3, which colour type 0 does not allow"),
            ("ihdr-rgb-bit-depth-4.png", .corrupt, "the IHDR bit depth is 4, which colour type 2 does not allow"),
            ("ihdr-colour-type-5.png", .corrupt, "the IHDR colour type is 5"),
            ("ihdr-interlace-2.png", .corrupt, "the IHDR interlace method is 2"),
            ("ihdr-compression-1.png", .corrupt, "the IHDR compression method is 1"),
            ("ihdr-filter-1.png", .corrupt, "the IHDR filter method is 1"),
            ("ihdr-length-12.png", .corrupt, "the IHDR chunk at byte 8 has 12 bytes of data, not 13"),
            ("ihdr-bad-crc.png", .corrupt, "damaged PNG: the IHDR chunk at byte 8 fails its CRC check"),
            ("ihdr-twice.png", .corrupt, "a second IHDR chunk at byte 33"),
            ("missing-ihdr.png", .corrupt, "the first chunk is IDAT, at byte 8; a PNG starts with IHDR"),
            ("idat-before-ihdr.png", .corrupt, "the first chunk is IDAT"),
            ("text-before-ihdr.png", .corrupt, "the first chunk is tEXt"),
            ("no-idat.png", .corrupt, "IEND at byte 33 comes before any IDAT chunk"),
            ("idat-split-by-text.png", .corrupt, "is separated from the earlier IDAT chunks by tEXt at byte 56"),
            ("idat-too-short.png", .corrupt, "damaged PNG: the image data ends after 400 of the 812 bytes"),
            ("idat-damaged-deflate.png", .corrupt, "damaged PNG: the image data is damaged after 0 of 812 bytes"),
            ("data-after-iend.png", .corrupt, "28 bytes follow the IEND chunk at byte 67"),
            ("png-after-iend.png", .corrupt, "79 bytes follow the IEND chunk at byte 67"),
            ("iend-length-4.png", .corrupt, "the IEND chunk at byte 67 has 4 bytes of data, not 0"),
            ("unknown-critical-chunk.png", .corrupt, "unknown critical chunk CRIT at byte 33"),
            ("bad-chunk-type.png", .corrupt, "the chunk at byte 33 has an invalid type"),
            ("plte-too-long.png", .corrupt, "the PLTE chunk at byte 33 has 771 bytes"),
            ("plte-length-4.png", .corrupt, "the PLTE chunk at byte 33 has 4 bytes"),
        ]
    }()

    @Test(arguments: refused.map(\.0))
    func refusesQuicklyWithItsError(_ name: String) throws {
        let (_, code, message) = try #require(Self.refused.first { $0.0 == name })
        let input = try Self.bytes(name)
        let start = ContinuousClock.now
        let error = #expect(throws: ImageError.self) { try PNGDecoder().decode(input) }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == code, "\(name): \(error?.message ?? "decoded")")
        #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "decoded")")
        #expect(elapsed < .milliseconds(500), "\(name) took \(elapsed)")
        // decodeRGB (pictures) takes the same checks.
        let rgbError = #expect(throws: ImageError.self) { try PNGCodec.decodeRGB(input) }
        #expect(rgbError?.code == code)
    }

    @Test func everyHostileFileIsInTheTable() {
        let refused = Set(Self.refused.map(\.0))
        let decoded: Set = ["empty-ancillary-chunks.png", "many-tiny-chunks.png", "big-text-chunk.png"]
        for name in Fixtures.files(in: Self.folder, withExtension: "png") where !name.hasPrefix("ok-") {
            #expect(refused.contains(name) || decoded.contains(name), "\(name) is not tested")
        }
    }

    @Test func chunksLibpngDoesNotNeedAreDroppedUnread() throws {
        let expected = GrayImage(
            width: 28, height: 28, pixels: (0..<28 * 28).map { index in (10..<18).contains(index / 28) ? 255 : 0 })
        for name in ["empty-ancillary-chunks.png", "many-tiny-chunks.png", "big-text-chunk.png"] {
            #expect(try PNGDecoder().decode(Self.bytes(name)) == expected, "\(name)")
        }
    }

    @Test func moreChunksThanTheCapAreRefused() throws {
        // many-tiny-chunks.png: signature, IHDR, 1,000 empty 12-byte tiNy chunks, IDAT, IEND.
        let template = try Self.bytes("many-tiny-chunks.png")
        let tiny = Array(template[33..<45])
        #expect(tiny[4..<8].elementsEqual("tiNy".utf8))
        let input = Array(template[0..<33]) + Array(repeating: tiny, count: 100_001).joined() + Array(template[(33 + 12_000)...])
        let error = #expect(throws: ImageError.self) { try PNGDecoder().decode(input) }
        #expect(error?.code == .tooLarge)
        #expect(error?.message.contains("more than 100000 chunks") == true, "\(error?.message ?? "decoded")")
        let fewer = Array(template[0..<33]) + Array(repeating: tiny, count: 99_990).joined() + Array(template[(33 + 12_000)...])
        #expect(try PNGDecoder().decode(fewer).width == 28)
    }

    /// Edge sizes for the inflated-size rule: tiny and odd interlaced images (empty
    /// Adam7 passes have no filter bytes), sub-byte depths, stored deflate in 1-byte IDATs.
    @Test(arguments: Fixtures.files(in: folder, withExtension: "png").filter { $0.hasPrefix("ok-gray") && !$0.contains("interlaced") })
    func validEdgeSizesDecodeExactly(_ name: String) throws {
        let plain = try PNGDecoder().decode(Self.bytes(name))
        let interlaced = try PNGDecoder().decode(Self.bytes(name.replacingOccurrences(of: ".png", with: "-interlaced.png")))
        #expect(plain == interlaced)
        if name.hasPrefix("ok-gray8-") {
            for y in 0..<plain.height {
                for x in 0..<plain.width {
                    #expect(plain.pixels[y * plain.width + x] == UInt8((x * 7 + y * 13) % 256))
                }
            }
        }
    }

    @Test func storedDeflateInOneByteIDATsDecodes() throws {
        let stored = try PNGDecoder().decode(Self.bytes("ok-stored-deflate-1-byte-idats.png"))
        #expect(stored.pixels.enumerated().allSatisfy { $0.element == UInt8((($0.offset % 28) * 7 + ($0.offset / 28) * 13) % 256) })
    }

    #if os(Linux)
    /// Decodes every hostile file five times and checks the process's peak resident
    /// memory grew by less than 64 MiB (before this change one huge-tEXt file alone
    /// took over a gigabyte). The peak is reset first through `/proc/self/clear_refs`;
    /// other tests running at the same time can only make this pessimistic.
    @Test func peakMemoryStaysSmall() throws {
        guard FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs") else { return }
        let inputs = try Fixtures.files(in: Self.folder, withExtension: "png").map(Self.bytes)
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = try Self.status("VmRSS")
        let start = ContinuousClock.now
        for _ in 0..<5 {
            for input in inputs { _ = try? PNGDecoder().decode(input) }
        }
        let elapsed = ContinuousClock.now - start
        let peak = try Self.status("VmHWM")
        #expect(peak - before < 64 << 20, "peak \(peak >> 20) MiB, before \(before >> 20) MiB")
        #expect(elapsed < .seconds(10), "\(inputs.count * 5) decodes took \(elapsed)")
    }

    /// A `/proc/self/status` field, in bytes.
    static func status(_ field: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        let kilobytes = try #require(Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? ""))
        return kilobytes << 10
    }
    #endif
}
