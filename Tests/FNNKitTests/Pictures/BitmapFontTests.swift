@testable import FNNPictures
import FNNKit
import Testing

@Suite struct BitmapFontTests {
    /// Every printable ASCII character, space (32) to tilde (126).
    static let printable: [Character] = (32...126).map { Character(Unicode.Scalar(UInt8($0))) }

    /// The glyph of `character`, failing the test if there is none.
    static func glyph(_ character: Character) throws -> [UInt8] {
        try #require(BitmapFont.rows(for: character), "no glyph for \(character.debugDescription)")
    }

    /// The number of pixels set in one glyph but not the other.
    static func hammingDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
    }

    @Test func glyphTableCoversPrintableASCII() {
        #expect(BitmapFont.glyphs.count == 95 * BitmapFont.glyphHeight)
    }

    @Test func everyPrintableCharacterHasSevenRowsWithinFiveBits() throws {
        for character in Self.printable {
            let rows = try Self.glyph(character)
            #expect(rows.count == BitmapFont.glyphHeight, "\(character.debugDescription)")
            #expect(rows.allSatisfy { $0 <= 0x1F }, "\(character.debugDescription) uses bits above 0x1F")
        }
    }

    @Test func spaceIsBlankAndEveryOtherGlyphHasPixels() throws {
        #expect(try Self.glyph(" ").allSatisfy { $0 == 0 })
        for character in Self.printable where character != " " {
            #expect(try Self.glyph(character).contains { $0 != 0 }, "\(character.debugDescription) is blank")
        }
    }

    @Test func allASCIIGlyphsAreDistinct() throws {
        var owners: [[UInt8]: Character] = [:]
        for character in Self.printable {
            let rows = try Self.glyph(character)
            if let other = owners[rows] {
                Issue.record("\(character.debugDescription) has the same glyph as \(other.debugDescription)")
            }
            owners[rows] = character
        }
        #expect(owners.count == 95)
    }

    @Test func digitsAreRecognisablyDifferent() throws {
        let digits = try Array("0123456789").map(Self.glyph)
        for i in digits.indices {
            for j in digits.indices where j > i {
                let distance = Self.hammingDistance(digits[i], digits[j])
                #expect(distance >= 3, "digits \(i) and \(j) differ in only \(distance) pixels")
            }
        }
    }

    @Test(arguments: [0, 1, 2, 5, 17])
    func widthIsSixPerCharacterLessOne(count: Int) {
        let text = String(repeating: "W", count: count)
        #expect(BitmapFont.width(of: text) == (count == 0 ? 0 : 6 * count - 1))
    }

    @Test func widthCountsCharactersNotBytes() {
        #expect(BitmapFont.width(of: "3 × 4 …") == 6 * 7 - 1)
    }

    @Test func nonPrintableCharactersHaveNoGlyph() {
        for character: Character in ["\u{7}", "\u{0}", "\n", "\t", "\r\n", "\u{7F}", "\u{1F600}"] {
            #expect(BitmapFont.rows(for: character) == nil, "\(character.debugDescription)")
        }
    }

    @Test(arguments: ["×", "…", "—", "–", "η", "λ", "μ"] as [Character])
    func extraCharactersHaveGlyphs(character: Character) throws {
        let rows = try Self.glyph(character)
        #expect(rows.count == BitmapFont.glyphHeight)
        #expect(rows.allSatisfy { $0 <= 0x1F })
        #expect(rows.contains { $0 != 0 })
    }

    @Test func multiplicationSignIsACross() throws {
        let rows = try Self.glyph("×")
        #expect(rows != (try Self.glyph("x")))
        #expect(rows[3] == 0b00100)
    }
}
