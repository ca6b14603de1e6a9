import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

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
        // A line break is escaped, so every row is one line.
        #expect(csv.standardOutput.contains("\(folder)/new\\x0Aline.png,7,"))
        #expect(csv.standardOutput.split(separator: "\n").count == names.count + 1)
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
        let again = try RunFNN.run(["predict", Fixtures.pngVariants + "/gray8", "-o", output])
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

    /// A folder with a FIFO and a folder named like PNGs, links out and in a loop, a
    /// mode-000 file, a 200 MB file and awkward names: every entry gets its row, nothing
    /// blocks or is followed, and CSV and JSON Lines stay parseable and unambiguous.
    @Test func aHostileFolderGetsARowForEveryEntry() throws {
        let folder = try Fixtures.temporaryFolder()
        let seven = try Fixtures.bytes(Fixtures.pngVariants + "/gray8/0000.png")
        try HostileFiles.populate(folder, png: seven)
        let base = BytePath(folder)
        let classified = HostileFiles.awkward + [BytePath("y.png/inner.png")] + (HostileFiles.readsModeZero ? [HostileFiles.locked] : [])
        let refused: [(BytePath, String)] = [
            (HostileFiles.pipe, "named pipe"), (HostileFiles.linkOut, "symbolic link"), (HostileFiles.linkLoop, "symbolic link"),
            (HostileFiles.huge, "too large"),
        ] + (HostileFiles.readsModeZero ? [] : [(HostileFiles.locked, "permission denied")])

        let jsonl = try RunFNN.run(["predict", "--format", "jsonl", folder], timeout: 120)
        #expect(jsonl.status == 2, "\(jsonl.standardError)")
        var rows: [BytePath: [String: Any]] = [:]
        for line in jsonl.standardOutput.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let path = try #require(object["path"] as? String)
            let bytes = (object["path_bytes"] as? String).flatMap(BytePath.fromHex) ?? BytePath(path)
            #expect(rows[bytes] == nil, "two rows for \(bytes.escaped)")
            #expect((object["path_bytes"] != nil) == !bytes.isUTF8)
            rows[bytes] = object
        }
        #expect(Set(rows.keys) == Set((classified + refused.map(\.0)).map { base.appending($0) }))
        for name in classified { #expect(rows[base.appending(name)]?["prediction"] as? String == "7", "\(name.escaped)") }
        for (name, reason) in refused {
            #expect((rows[base.appending(name)]?["error"] as? String)?.contains(reason) == true, "\(name.escaped): \(rows[base.appending(name)] ?? [:])")
        }

        let csv = try RunFNN.run(["predict", folder], timeout: 120)
        #expect(csv.status == 2)
        #expect(!csv.standardOutput.utf8.contains(0x1B) && !csv.standardError.utf8.contains(0x1B))
        let lines = csv.standardOutput.split(separator: "\n")
        #expect(lines.count == rows.count + 1)
        for line in lines { #expect(LabelSource.csvFields(String(line)).count == 4, "\(line)") }
        let paths = Set(lines.dropFirst().compactMap { LabelSource.csvFields(String($0)).first })
        #expect(paths == Set(rows.keys.map(\.escaped)))
        #expect(paths.contains(folder + #"/bad\xFFutf8.png"#) && paths.contains(folder + #"/bad\xFEutf8.png"#))
        #expect(paths.contains(folder + #"/back\\x41slash.png"#))
        #expect(csv.standardError.contains(folder + "/x.png: is a named pipe (FIFO), not a regular file"))
    }

    /// Files named directly: a FIFO is refused at once, a link loop is reported, a link
    /// the user named is followed, and a name that is not UTF-8 is opened by its bytes.
    @Test func hostileFilesNamedDirectly() throws {
        let folder = try Fixtures.temporaryFolder()
        try HostileFiles.populate(folder, png: try Fixtures.bytes(Fixtures.pngVariants + "/gray8/0000.png"))
        let run = try RunFNN.shell(
            #""$FNN" predict x.png loop.png out.png big.png "$(printf 'bad\377utf8.png')" "$(printf 'bad\376utf8.png')""#,
            currentDirectory: folder, timeout: 60)
        #expect(run.status == 2, "\(run.standardError)")
        let rows = Dictionary(uniqueKeysWithValues: run.standardOutput.split(separator: "\n").dropFirst().map { line in
            let fields = LabelSource.csvFields(String(line))
            return (fields.first ?? "", fields)
        })
        #expect(rows["x.png"]?.last == "is a named pipe (FIFO), not a regular file")
        #expect(rows["loop.png"]?.last == "is a loop of symbolic links")
        #expect(rows["out.png"]?[1] == "7")
        #expect(rows["big.png"]?.last?.contains("too large") == true)
        #expect(rows[#"bad\xFFutf8.png"#]?[1] == "7")
        #expect(rows[#"bad\xFEutf8.png"#]?[1] == "7")
    }

    /// A FIFO where a model or training data should be is refused, not waited on.
    @Test func aFIFOAsModelOrTrainingDataIsRefusedAtOnce() throws {
        let folder = try Fixtures.temporaryFolder()
        #expect(mkfifo(folder + "/model.fnn", 0o644) == 0)
        let predict = try RunFNN.run(["predict", "--model", folder + "/model.fnn", Fixtures.pngVariants + "/gray8/0000.png"], timeout: 60)
        #expect(predict.status == 1)
        #expect(predict.standardError.contains("named pipe"), "\(predict.standardError)")
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            #expect(mkfifo(folder + "/" + name, 0o644) == 0)
        }
        let train = try RunFNN.run(["train", "--data", folder, "--epochs", "1"], timeout: 60)
        #expect(train.status == 1)
        #expect(train.standardError.contains("named pipe"), "\(train.standardError)")
    }
}
