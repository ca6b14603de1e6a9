import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// `fnn predict --segment` on the sample rows of digits, run as a user runs it.
@Suite struct PredictSegmentTests {
    static let strings = Fixtures.samples + "/strings"
    static let expected: [String: String] = {
        guard let text = try? String(contentsOfFile: strings + "/expected.csv", encoding: .utf8) else { return [:] }
        var digits: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            if fields.count == 2 { digits[String(fields[0].split(separator: "/").last ?? "")] = String(fields[1]) }
        }
        return digits
    }()

    static func objects(_ jsonl: String) throws -> [[String: Any]] {
        try jsonl.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    static func name(_ object: [String: Any]) -> String {
        ((object["path"] as? String) ?? "").split(separator: "/").last.map(String.init) ?? ""
    }

    /// A copy of the sample rows (and a blank scan) in a fresh folder.
    static func folder(blank: Bool = false) throws -> String {
        let folder = try Fixtures.temporaryFolder()
        for name in expected.keys.sorted() {
            try FileManager.default.copyItem(atPath: strings + "/" + name, toPath: folder + "/" + name)
        }
        if blank {
            let png = try PNGCodec.encode(GrayImage(width: 120, height: 40, pixels: [UInt8](repeating: 250, count: 4800)))
            try Data(png).write(to: URL(fileURLWithPath: folder + "/blank.png"))
        }
        return folder
    }

    @Test func jsonLinesGiveTheDigitsAndTheirBoxes() throws {
        #expect(Self.expected.count == 6)
        let run = try RunFNN.run(["predict", "--segment", "--format", "jsonl", Self.strings])
        #expect(run.status == 0, "\(run.standardError)")
        let objects = try Self.objects(run.standardOutput)
        #expect(objects.map(Self.name) == Self.expected.keys.sorted())
        var exact = 0
        for object in objects {
            let digits = try #require(object["digits"] as? String)
            let segments = try #require(object["segments"] as? [[String: Any]])
            #expect(segments.count == digits.count)
            #expect(segments.compactMap { $0["prediction"] as? String }.joined() == digits)
            let confidences = segments.compactMap { $0["confidence"] as? Double }
            #expect(object["confidence"] as? Double == confidences.min())
            // Left to right, each box inside the scan.
            let lefts = segments.compactMap { $0["x"] as? Int }
            #expect(lefts == lefts.sorted() && lefts.count == digits.count)
            for segment in segments {
                for key in ["x", "y", "width", "height"] { #expect((segment[key] as? Int ?? -1) >= 0, "\(key)") }
                if let touching = segment["touching"] { #expect(touching as? Bool == true) }
            }
            if digits == Self.expected[Self.name(object)] { exact += 1 }
        }
        // Measured: all but zip-code.png, whose third digit, a 9 drawn open, reads 3.
        #expect(exact == 5)
        let touching = try #require(objects.first { Self.name($0) == "touching.png" })
        #expect((touching["segments"] as? [[String: Any]])?.contains { $0["touching"] as? Bool == true } == true)
    }

    @Test func csvAndTableShowTheString() throws {
        let csv = try RunFNN.run(["predict", "--segment", Self.strings])
        #expect(csv.status == 0)
        let lines = csv.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "path,digits,confidence,error")
        #expect(lines.count == 7)
        let boxed = try #require(lines.first { $0.contains("boxed.png") })
        #expect(boxed.hasPrefix("\(Self.strings)/boxed.png,\(Self.expected["boxed.png"] ?? "?"),0."), "\(boxed)")
        #expect(boxed.hasSuffix(","))
        let table = try RunFNN.run(["predict", "--segment", "--format", "table", Self.strings + "/boxed.png"])
        #expect(table.status == 0)
        #expect(table.standardOutput.hasPrefix((Self.expected["boxed.png"] ?? "?") + " "), "\(table.standardOutput)")
        #expect(table.standardOutput.contains("%  \(Self.strings)/boxed.png"))
    }

    @Test func labelsGiveExactStringsAndTheDigitErrorRate() throws {
        let run = try RunFNN.run(
            ["predict", "--segment", "samples/strings", "--labels", "samples/strings/expected.csv"], currentDirectory: Fixtures.root)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("strings read exactly: 83.33% (5 of 6)"), "\(run.standardError)")
        #expect(run.standardError.contains("digit error rate: 3.13% (1 digits substituted, missing or extra, in 32 true digits)"))
    }

    @Test func aBlankScanIsAnErrorRow() throws {
        let folder = try Self.folder(blank: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try RunFNN.run(["predict", "--segment", "--format", "jsonl", folder])
        #expect(run.status == 2)
        let blank = try #require(try Self.objects(run.standardOutput).first { Self.name($0) == "blank.png" })
        #expect(blank["error_code"] as? String == "no-ink")
        #expect((blank["error"] as? String)?.hasPrefix("no ink found") == true)
        #expect(blank["digits"] == nil)
        #expect(run.standardError.contains("\(folder)/blank.png: no ink found"))
        let csv = try RunFNN.run(["predict", "--segment", folder + "/blank.png"])
        #expect(csv.standardOutput.contains("\(folder)/blank.png,,,no ink found"))
    }

    @Test func everyDigitIsSavedAsTheNetworkSawIt() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try RunFNN.run(["predict", "--segment", "--format", "jsonl", Self.strings, "--save-normalized", folder])
        #expect(run.status == 0)
        for object in try Self.objects(run.standardOutput) {
            let stem = String(Self.name(object).dropLast(4))
            let count = (object["digits"] as? String)?.count ?? 0
            for index in 0..<count {
                let image = try PNGDecoder().read(folder + "/\(stem)-\(index).png")
                #expect(image.width == 28 && image.height == 28)
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/\(stem)-\(count).png"))
        }
    }

    @Test func badCombinationsAreUsageErrors() throws {
        let run = try RunFNN.run(["predict", "--segment", "--top-k", "2", Self.strings])
        #expect(run.status == 64)
        #expect(run.standardError.contains("--top-k goes without --segment"))
    }

    @Test func aResumedRunKeepsItsRowsAndReadsTheRest() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let whole = try RunFNN.run(["predict", "--segment", "--format", "jsonl", folder])
        for format in ["csv", "jsonl"] {
            let output = "\(folder)/rows.\(format)"
            let names = Self.expected.keys.sorted()
            // A first run over half the rows, then a resumed one over all of them.
            let first = try RunFNN.run(
                ["predict", "--segment", "--format", format, "-o", output, "--resume"] + names.prefix(3).map { folder + "/" + $0 })
            #expect(first.status == 0, "\(first.standardError)")
            let second = try RunFNN.run(
                ["predict", "--segment", "--format", format, "-o", output, "--resume", "--labels", Self.strings + "/expected.csv"]
                    + names.map { folder + "/" + $0 })
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("resuming \(output): 3 rows kept, 3 inputs left"))
            let text = try String(contentsOfFile: output, encoding: .utf8)
            if format == "jsonl" {
                #expect(text == whole.standardOutput)
            } else {
                #expect(text.split(separator: "\n").count == 7)
                #expect(text.hasPrefix("path,digits,confidence,error\n"))
            }
        }
        // A file of single-digit rows is not appended to with --segment, nor the reverse.
        let digits = "\(folder)/digits.jsonl"
        _ = try RunFNN.run(["predict", "--format", "jsonl", "-o", digits, Fixtures.pngVariants + "/gray8/0000.png"])
        let mixed = try RunFNN.run(["predict", "--segment", "--format", "jsonl", "-o", digits, "--resume", folder])
        #expect(mixed.status == 1)
        #expect(mixed.standardError.contains("written without --segment"), "\(mixed.standardError)")
        let reverse = try RunFNN.run(["predict", "--format", "jsonl", "-o", "\(folder)/rows.jsonl", "--resume", folder])
        #expect(reverse.status == 1)
        #expect(reverse.standardError.contains("written with --segment"), "\(reverse.standardError)")
    }

    @Test func shardsSplitTheRowsAndReportRefusesThem() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let whole = try RunFNN.run(["predict", "--segment", "--format", "jsonl", folder])
        var lines: [Substring] = []
        for index in 0..<2 {
            let shard = try RunFNN.run(["predict", "--segment", "--format", "jsonl", "--shard", "\(index)/2", folder])
            #expect(shard.status == 0)
            lines += shard.standardOutput.split(separator: "\n")
        }
        #expect(lines.sorted() == whole.standardOutput.split(separator: "\n").sorted())
        let output = folder + "/rows.jsonl"
        try Data(whole.standardOutput.utf8).write(to: URL(fileURLWithPath: output))
        let report = try RunFNN.run(["report", output])
        #expect(report.status == 1)
        #expect(report.standardError.contains("fnn predict --segment"), "\(report.standardError)")
    }
}

/// `fnn watch --segment`: the daemon reads rows of digits exactly as fnn predict
/// --segment does, logs them durably and moves each input out.
@Suite struct WatchSegmentTests {
    @Test func theDaemonReadsRowsAsPredictDoes() throws {
        let rows = try PredictSegmentTests.folder(blank: true)
        let predicted = try RunFNN.run(["predict", "--segment", rows, "--format", "jsonl"])
        #expect(predicted.status == 2, "the blank scan is an error row: \(predicted.standardError)")
        var byName: [String: [String: Any]] = [:]
        for object in try PredictSegmentTests.objects(predicted.standardOutput) { byName[PredictSegmentTests.name(object)] = object }

        let root = try Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(atPath: root + "/incoming", withIntermediateDirectories: true)
        for name in byName.keys { try FileManager.default.copyItem(atPath: rows + "/" + name, toPath: root + "/incoming/" + name) }
        let run = try RunFNN.run(["watch", root, "--once", "--segment", "--instance", "w"])
        #expect(run.status == 0, "\(run.standardError)")

        let log = try String(contentsOfFile: root + "/results/w.jsonl", encoding: .utf8)
        let lines = try PredictSegmentTests.objects(log)
        #expect(lines.count == byName.count)
        for line in lines {
            let name = try #require(line["file"] as? String)
            let expected = try #require(byName[name])
            #expect(line["model_sha256"] is String && line["claim"] is String)
            if let digits = expected["digits"] as? String {
                #expect(line["digits"] as? String == digits, "\(name)")
                #expect(line["confidence"] as? Double == expected["confidence"] as? Double, "\(name)")
                let segments = try #require(line["segments"] as? [[String: Any]])
                let want = try #require(expected["segments"] as? [[String: Any]])
                #expect(segments.count == want.count && segments.count == digits.count)
                for (got, wanted) in zip(segments, want) {
                    for key in ["x", "y", "width", "height"] { #expect(got[key] as? Int == wanted[key] as? Int, "\(name) \(key)") }
                    #expect(got["prediction"] as? String == wanted["prediction"] as? String)
                    #expect(got["touching"] as? Bool == wanted["touching"] as? Bool)
                }
                #expect(FileManager.default.fileExists(atPath: root + "/done/" + name))
                #expect(line["prediction"] == nil && line["error"] == nil)
            } else {
                #expect(line["error_code"] as? String == expected["error_code"] as? String, "\(name)")
                #expect(line["digits"] == nil)
                #expect(FileManager.default.fileExists(atPath: root + "/failed/" + name))
                #expect(FileManager.default.fileExists(atPath: root + "/failed/.reasons/" + name + ".reason.txt"))
            }
        }
        #expect(byName["zip-code.png"] != nil && byName["blank.png"] != nil)
        #expect(WatchCommandTests.names(root + "/incoming").isEmpty)
    }
}
