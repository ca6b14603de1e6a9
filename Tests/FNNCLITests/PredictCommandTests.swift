import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// `fnn predict` on the PNG fixtures, run as a user runs it.
@Suite struct PredictCommandTests {
    static let variants: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.pngVariants)) ?? [])
        .filter { FileSystem.isDirectory(Fixtures.pngVariants + "/" + $0) }
        .sorted()

    static let labels: [String: String] = {
        guard let text = try? String(contentsOfFile: Fixtures.pngVariants + "/labels.csv", encoding: .utf8) else { return [:] }
        var labels: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            if fields.count == 2 { labels[String(format: "%04d", Int(fields[0]) ?? 0)] = String(fields[1]) }
        }
        return labels
    }()

    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let fields = LabelSource.csvFields(line)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    static func correct(_ csv: String) -> Int {
        rows(csv).filter { row in
            guard let path = row["path"] else { return false }
            let name = String(path.split(separator: "/").last?.dropLast(4) ?? "")
            return row["prediction"] == labels[name]
        }.count
    }

    @Test func everyPNGVariantClassifiesLikeTheCanonicalDigits() throws {
        #expect(Self.variants.count >= 15)
        let canonical = Self.correct(try RunFNN.run(["predict", Fixtures.pngVariants + "/gray8"]).standardOutput)
        #expect(canonical >= 195)
        for variant in Self.variants {
            let run = try RunFNN.run(["predict", Fixtures.pngVariants + "/" + variant])
            #expect(run.status == 0, "\(variant): \(run.standardError)")
            let correct = Self.correct(run.standardOutput)
            // 1-bit images lose the anti-aliasing; every other variant carries the same digits.
            #expect(correct >= canonical - (variant == "gray1" ? 6 : 2), "\(variant): \(correct) of 200, canonical \(canonical)")
        }
    }

    @Test func everyBadFileGetsItsRowAndTheRunGoesOn() throws {
        let bad = Fixtures.badPNGs
        let good = Fixtures.pngVariants + "/gray8/0000.png"
        let expected: [(String, String)] = [
            ("empty.png", "not a PNG file"), ("text.png", "not a PNG file"), ("not-png.bin", "not a PNG file"),
            ("truncated.png", "truncated"), ("no-iend.png", "truncated"), ("bad-crc.png", "damaged PNG"),
            ("huge-dimensions.png", "too large: 1000000 × 1000000 pixels"), ("bomb.png", "too large: 20000 × 20000 pixels"),
            ("blank.png", "no ink found"), ("blank-white.png", "no ink found"),
        ]
        let run = try RunFNN.run(["predict", "--format", "jsonl", good] + expected.map { bad + "/" + $0.0 })
        #expect(run.status == 2)
        let lines = run.standardOutput.split(separator: "\n")
        #expect(lines.count == expected.count + 1)
        var errors: [String: String] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let path = try #require(object["path"] as? String)
            if let error = object["error"] as? String { errors[(path as NSString).lastPathComponent] = error }
        }
        for (name, message) in expected {
            #expect(errors[name]?.contains(message) == true, "\(name): \(errors[name] ?? "no error")")
            #expect(run.standardError.contains("\(bad)/\(name): "), "no stderr line for \(name)")
        }
        #expect(errors["0000.png"] == nil)
    }

    @Test func foldersAreSearchedSortedAndNonPNGFilesSkipped() throws {
        let run = try RunFNN.run(["predict", Fixtures.badPNGs])
        #expect(run.standardError.contains("skipped \(Fixtures.badPNGs)/README.md: not a PNG file"))
        #expect(run.standardError.contains("skipped \(Fixtures.badPNGs)/not-png.bin: not a PNG file"))
        let paths = Self.rows(run.standardOutput).compactMap { $0["path"] }
        #expect(paths == paths.sorted())
        #expect(paths.count == 9)
    }

    @Test func theOrderDoesNotDependOnThreads() throws {
        let folder = Fixtures.pngVariants + "/scaled-paper"
        let one = try RunFNN.run(["predict", "--threads", "1", "--format", "jsonl", folder])
        let two = try RunFNN.run(["predict", "--threads", "2", "--format", "jsonl", folder])
        #expect(one.standardOutput == two.standardOutput)
        #expect(!one.standardOutput.isEmpty)
    }

    @Test func labelFoldersGiveAReport() throws {
        let run = try RunFNN.run(["predict", Fixtures.samples + "/digits/mnist"])
        #expect(run.status == 0)
        #expect(run.standardError.contains("accuracy: 100.00% (50 of 50 correct)"))
        #expect(run.standardError.contains("confusion matrix"))
        let folder = try Fixtures.temporaryFolder()
        let report = folder + "/report.txt"
        let labelled = try RunFNN.run(
            ["predict", "samples/digits", "--labels", "samples/digits/expected.csv", "--report", report],
            currentDirectory: Fixtures.root)
        #expect(labelled.status == 0, "\(labelled.standardError)")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("(56 of 56 correct)"), "\(text)")
    }

    @Test func pathsStayUnambiguous() throws {
        let folder = try Fixtures.temporaryFolder()
        let source = try Fixtures.bytes(Fixtures.pngVariants + "/gray8/0000.png")
        let names = ["a,b.png", "say \"7\".png", "new\nline.png", "chiffre-sept-é.png"]
        for name in names { try Data(source).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        let csv = try RunFNN.run(["predict", folder])
        #expect(csv.standardOutput.contains("\"\(folder)/a,b.png\",7,"))
        #expect(csv.standardOutput.contains("\"\(folder)/say \"\"7\"\".png\",7,"))
        #expect(csv.standardOutput.contains("\"\(folder)/new\nline.png\",7,"))
        #expect(csv.standardOutput.contains("\(folder)/chiffre-sept-é.png,7,"))
        let jsonl = try RunFNN.run(["predict", "--format", "jsonl", folder])
        var seen: [String] = []
        for line in jsonl.standardOutput.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            seen.append(((object["path"] as? String) ?? "").replacingOccurrences(of: folder + "/", with: ""))
            #expect((object["probabilities"] as? [Double])?.count == 10)
            #expect(object["prediction"] as? String == "7")
        }
        #expect(Set(seen) == Set(names))
    }

    @Test func topKAndFormats() throws {
        let file = Fixtures.pngVariants + "/gray8/0000.png"
        let csv = try RunFNN.run(["predict", "--top-k", "3", file])
        #expect(csv.standardOutput.hasPrefix("path,prediction,confidence,top2,top2_confidence,top3,top3_confidence,error\n"))
        let jsonl = try RunFNN.run(["predict", "--top-k", "3", "--format", "jsonl", file])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(jsonl.standardOutput.utf8)) as? [String: Any])
        let top = try #require(object["top"] as? [[String: Any]])
        #expect(top.count == 3)
        #expect(top[0]["label"] as? String == "7")
        let probabilities = try #require(object["probabilities"] as? [Double])
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-6)
        let table = try RunFNN.run(["predict", "--format", "table", file])
        #expect(table.standardOutput.hasPrefix("7  "))
        let tooMany = try RunFNN.run(["predict", "--top-k", "11", file])
        #expect(tooMany.status == 64)
    }

    @Test func outputIsAtomicAndNeverReplacedWithoutForce() throws {
        let folder = try Fixtures.temporaryFolder()
        let output = folder + "/out.csv"
        let first = try RunFNN.run(["predict", Fixtures.pngVariants + "/gray8", "--output", output])
        #expect(first.status == 0)
        #expect(first.standardOutput.isEmpty)
        #expect(Self.rows(try String(contentsOfFile: output, encoding: .utf8)).count == 200)
        let again = try RunFNN.run(["predict", Fixtures.pngVariants + "/gray8", "--output", output])
        #expect(again.status == 1)
        #expect(again.standardError.contains("already exists"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.csv"])
    }

    @Test func savesWhatTheNetworkSaw() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["predict", Fixtures.samples + "/digits", "--save-normalized", folder])
        #expect(run.status == 0)
        // An MNIST digit is saved exactly as it came; a scan is now 28 × 28 white on black.
        let original = try PNGDecoder().read(Fixtures.samples + "/digits/mnist/7/0000.png")
        #expect(try PNGDecoder().read(folder + "/mnist/7/0000.png") == original)
        let scan = try PNGDecoder().read(folder + "/scans/ink-on-paper-rgb.png")
        #expect(scan.width == 28 && scan.height == 28)
        #expect(scan[0, 0] == 0)
        #expect(scan.pixels.max() == 255)
    }

    @Test func limitsAreOptions() throws {
        let file = Fixtures.pngVariants + "/scaled-paper/0000.png"
        let small = try RunFNN.run(["predict", "--max-pixels", "1000", "--format", "jsonl", file])
        #expect(small.status == 2)
        #expect(small.standardOutput.contains("too large: 200 × 200 pixels is over the limit of 1000 (--max-pixels)"))
        let tiny = try RunFNN.run(["predict", "--max-file-size", "10", "--format", "jsonl", file])
        #expect(tiny.standardOutput.contains("(--max-file-size)"))
    }

    @Test func noFilesIsAnError() throws {
        let folder = try Fixtures.temporaryFolder()
        let run = try RunFNN.run(["predict", folder])
        #expect(run.status == 1)
        #expect(run.standardError.contains("no PNG files found"))
    }
}
