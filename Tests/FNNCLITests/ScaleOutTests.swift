import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// `fnn predict` as one task of an array job: shards, path lists, resumable output, and
/// `fnn report` over the shards.
@Suite struct ScaleOutTests {
    /// The batch engines' variables, removed from every run that does not set them.
    static let engineVariables = [
        "JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_STEP", "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE",
    ]

    /// A corpus of `copies` × the 50 sample MNIST digits, in label folders.
    static func corpus(copies: Int) throws -> String {
        let folder = try Fixtures.temporaryFolder()
        let source = Fixtures.samples + "/digits/mnist"
        for label in 0..<10 {
            let target = "\(folder)/corpus/\(label)"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            for name in Fixtures.files(in: "\(source)/\(label)", withExtension: "png") {
                for copy in 0..<copies {
                    try FileManager.default.copyItem(atPath: "\(source)/\(label)/\(name)", toPath: "\(target)/c\(copy)-\(name)")
                }
            }
        }
        return folder
    }

    static func predict(_ arguments: [String], environment: [String: String] = [:]) throws -> FNNRun {
        try RunFNN.run(["predict"] + arguments, environment: environment, removing: engineVariables.filter { environment[$0] == nil })
    }

    static func rows(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init)
    }

    @Test func shardsFromEveryEngineSplitTheCorpusExactly() throws {
        let folder = try Self.corpus(copies: 4)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let corpus = folder + "/corpus"
        let whole = try Self.predict([corpus, "-o", folder + "/all.csv", "--report", folder + "/all-report.txt"])
        #expect(whole.status == 0, "\(whole.standardError)")
        let all = try Self.rows(folder + "/all.csv")
        #expect(all.count == 200)
        let engines: [(String, (Int) -> [String: String], [String])] = [
            ("explicit", { _ in [:] }, []),
            ("kubernetes", { ["JOB_COMPLETION_INDEX": "\($0)"] }, ["--shard-count", "4"]),
            ("slurm", { ["SLURM_ARRAY_TASK_ID": "\($0 + 10)", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"] }, []),
            ("aws", { ["AWS_BATCH_JOB_ARRAY_INDEX": "\($0)", "AWS_BATCH_JOB_ARRAY_SIZE": "4"] }, []),
        ]
        var shardsByEngine: [String: [[String]]] = [:]
        for (engine, environment, extra) in engines {
            var union: [String] = []
            for index in 0..<4 {
                let output = "\(folder)/\(engine)-\(index).csv"
                let shard = engine == "explicit" ? ["--shard", "\(index)/4"] : ["--shard", "auto"]
                let run = try Self.predict([corpus, "-o", output] + shard + extra, environment: environment(index))
                #expect(run.status == 0, "\(engine) \(index): \(run.standardError)")
                let rows = try Self.rows(output)
                #expect(!rows.isEmpty && rows.count < 200, "\(engine) shard \(index) has \(rows.count) rows")
                shardsByEngine[engine, default: []].append(rows)
                union += rows
            }
            #expect(union.sorted() == all.sorted(), "\(engine): the shards' union is the unsharded output")
            #expect(Set(union).count == union.count, "\(engine): no input is in two shards")
        }
        // Every engine names the same shards.
        for engine in ["kubernetes", "slurm", "aws"] { #expect(shardsByEngine[engine] == shardsByEngine["explicit"]) }
        // The listing order does not matter: the same paths listed in reverse give the same shard.
        let listed = all.map { String($0.split(separator: ",")[0]) }.reversed().joined(separator: "\n")
        try Data(listed.utf8).write(to: URL(fileURLWithPath: folder + "/list.txt"))
        // Named directly, a path is its own key: sharding the list still partitions it.
        var fromList: [String] = []
        for index in 0..<4 {
            let run = try Self.predict(["--files-from", folder + "/list.txt", "--shard", "\(index)/4"])
            #expect(run.status == 0, "\(run.standardError)")
            fromList += run.standardOutput.split(separator: "\n").dropFirst().map(String.init)
        }
        #expect(fromList.sorted() == all.sorted())
        // fnn report over the shards prints what the unsharded run reported.
        let report = try RunFNN.run(["report"] + (0..<4).map { "\(folder)/explicit-\($0).csv" })
        #expect(report.status == 0, "\(report.standardError)")
        #expect(report.standardOutput == (try String(contentsOfFile: folder + "/all-report.txt", encoding: .utf8)))
        #expect(report.standardOutput.contains("confusion matrix"))
    }

    @Test func badShardSettingsAreUsageErrorsNamingTheVariable() throws {
        let cases: [([String], [String: String], String)] = [
            (["--shard", "4/4"], [:], "from 0 to 3"),
            (["--shard", "1-4"], [:], "INDEX/COUNT"),
            (["--shard", "auto"], [:], "found no array task"),
            (["--shard", "auto"], ["JOB_COMPLETION_INDEX": "1"], "--shard-count"),
            (["--shard", "auto"], ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"], "SLURM_ARRAY_TASK_MIN is not set"),
            (["--shard", "auto"], ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"], "SLURM_ARRAY_TASK_ID=x"),
            (["--shard", "auto"], ["AWS_BATCH_JOB_ARRAY_INDEX": "5", "AWS_BATCH_JOB_ARRAY_SIZE": "4"], "AWS_BATCH_JOB_ARRAY_INDEX gives shard 5"),
            (["--shard", "auto", "--shard-count", "8"], ["AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "4"], "contradicts AWS_BATCH_JOB_ARRAY_SIZE"),
            (["--shard", "auto"], ["AWS_BATCH_JOB_ARRAY_INDEX": "1", "AWS_BATCH_JOB_ARRAY_SIZE": "4", "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"], "two different shards"),
            (["--shard-count", "4"], [:], "goes with --shard auto"),
        ]
        for (arguments, environment, expected) in cases {
            let run = try Self.predict([Fixtures.samples + "/digits/mnist"] + arguments, environment: environment)
            #expect(run.status == 64, "\(arguments) \(environment): \(run.status)")
            #expect(run.standardError.contains(expected), "\(arguments) \(environment): \(run.standardError)")
            #expect(run.standardOutput.isEmpty)
        }
    }

    @Test func pathListsComeFromFilesAndStandardInput() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = Fixtures.samples + "/digits/mnist/3"
        let names = Fixtures.files(in: source, withExtension: "png")
        // Names with a space, and (NUL-separated only) a newline.
        try FileManager.default.copyItem(atPath: "\(source)/\(names[0])", toPath: "\(folder)/a b.png")
        try FileManager.default.copyItem(atPath: "\(source)/\(names[1])", toPath: "\(folder)/line\nbreak.png")
        let byLine = try RunFNN.shell("printf '%s\\n' '\(folder)/a b.png' '\(source)/\(names[2])' | \"$FNN\" predict --files-from -")
        #expect(byLine.status == 0, "\(byLine.standardError)")
        #expect(byLine.standardOutput.split(separator: "\n").count == 3)
        #expect(byLine.standardOutput.contains("\(folder)/a b.png,3,"))
        let byNUL = try RunFNN.shell("find '\(folder)' -name '*.png' -print0 | \"$FNN\" predict --files-from - -0 --format jsonl")
        #expect(byNUL.status == 0, "\(byNUL.standardError)")
        #expect(byNUL.standardOutput.split(separator: "\n").count == 2)
        #expect(byNUL.standardOutput.contains("line\\nbreak.png"))
        // A list file and arguments together; a missing list is an error.
        try Data("\(source)/\(names[3])\n".utf8).write(to: URL(fileURLWithPath: folder + "/list.txt"))
        let both = try RunFNN.run(["predict", "--files-from", folder + "/list.txt", "\(source)/\(names[4])"])
        #expect(both.standardOutput.split(separator: "\n").count == 3)
        let missing = try RunFNN.run(["predict", "--files-from", folder + "/nothing.txt"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("nothing.txt: no such file"))
        let stray = try RunFNN.run(["predict", source, "-0"])
        #expect(stray.status == 64)
    }

    @Test func aKilledRunResumesToExactlyOneRowPerInput() throws {
        let folder = try Self.corpus(copies: 6)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let corpus = folder + "/corpus"
        let full = try Self.predict([corpus, "-o", folder + "/full.csv"])
        #expect(full.status == 0)
        let expected = try Self.rows(folder + "/full.csv").sorted()
        #expect(expected.count == 300)
        for format in ["csv", "jsonl"] {
            let output = "\(folder)/resumed.\(format)"
            let arguments = [corpus, "-o", output, "--resume", "--chunk-size", "5", "--threads", "1", "--format", format]
            let first = try RunningFNN(["predict"] + arguments)
            // Wait until some rows are on disk but not all, then kill -9.
            let deadline = Date().addingTimeInterval(60)
            var written = 0
            while Date() < deadline {
                written = (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if written >= 20 { break }
                usleep(2_000)
            }
            kill(first.process.processIdentifier, SIGKILL)
            _ = first.finish()
            let kept = (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0
            #expect(kept >= 20 && kept < 300, "\(format): the kill came mid-run (\(kept) lines on disk)")
            // A torn last line, as a kill inside a write leaves it.
            let handle = try #require(FileHandle(forWritingAtPath: output))
            handle.seekToEndOfFile()
            handle.write(Data("\(corpus)/9/torn".utf8))
            try handle.close()
            let second = try Self.predict(arguments)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("resuming \(output)"))
            #expect(second.standardError.contains("accuracy:"), "the report covers the kept rows too")
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(!text.contains("torn"))
            if format == "csv" {
                #expect(text.hasPrefix("path,prediction,confidence,error\n"))
                #expect(try Self.rows(output).sorted() == expected)
            } else {
                let paths = text.split(separator: "\n").compactMap { line -> String? in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["path"] as? String
                }
                #expect(paths.count == 300 && Set(paths).count == 300)
            }
            // Resuming a finished file adds nothing.
            let again = try Self.predict(arguments)
            #expect(again.status == 0)
            #expect(try String(contentsOfFile: output, encoding: .utf8) == text)
        }
        // Rows from other options are not appended to.
        let other = try Self.predict([corpus, "-o", folder + "/resumed.csv", "--resume", "--top-k", "2"])
        #expect(other.status == 1)
        #expect(other.standardError.contains("line 1: the CSV header is not"), "\(other.standardError)")
        let table = try Self.predict([corpus, "-o", folder + "/t.txt", "--resume", "--format", "table"])
        #expect(table.status == 64)
    }

    @Test func reportReadsWatchLogsAndRefusesForeignFiles() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = """
            {"file":"a.png","prediction":"3","confidence":0.9,"probabilities":[],"model_sha256":"x","claim":"claim-1"}
            {"file":"b.png","error":"not a PNG","error_code":"not-png","model_sha256":"x","claim":"claim-1"}
            {"file":"c.png","prediction":"7","confidence":0.9,"probabilities":[],"model_sha256":"x","claim":"claim-2"}
            {"file":"a.png","prediction":"3","confidence":0.9,"probabilities":[],"model_sha256":"x","claim":"claim-3"}
            {"file":"d.png","predic
            """
        try Data(log.utf8).write(to: URL(fileURLWithPath: folder + "/w.jsonl"))
        try Data("path,label\na.png,3\nc.png,1\n".utf8).write(to: URL(fileURLWithPath: folder + "/truth.csv"))
        let report = try RunFNN.run(["report", folder + "/w.jsonl", "--labels", folder + "/truth.csv"])
        #expect(report.status == 0, "\(report.standardError)")
        #expect(report.standardOutput.contains("accuracy: 50.00% (1 of 2 correct)"))
        #expect(report.standardOutput.contains("1 images could not be classified"))
        #expect(report.standardError.contains("1 rows repeat an input"))
        try Data("label,path\n1,2\n".utf8).write(to: URL(fileURLWithPath: folder + "/other.csv"))
        let foreign = try RunFNN.run(["report", folder + "/other.csv"])
        #expect(foreign.status == 1)
        #expect(foreign.standardError.contains("other.csv, line 1: not a results file of fnn"))
        try Data("{\"path\":\"x.png\",\"prediction\":\"Z\"}\n".utf8).write(to: URL(fileURLWithPath: folder + "/z.jsonl"))
        let alien = try RunFNN.run(["report", folder + "/z.jsonl"])
        #expect(alien.status == 1)
        #expect(alien.standardError.contains("z.jsonl, line 1: the row for x.png predicts Z"), "\(alien.standardError)")
    }
}
