import FNNKit
import FNNTestSupport
import Foundation
import Testing

/// Issue 12's measurement as a test: 4 shards over the 10,000 MNIST test PNGs, the index
/// taken from each engine's variables, one shard killed with `kill -9` mid-run and
/// resumed; the union equals the unsharded output row for row, and `fnn report` over the
/// shards equals the unsharded report.
@Suite(.enabled(if: Fixtures.slowTestsEnabled && Fixtures.hasMNIST, "set FNN_SLOW_TESTS=1 (and have MNIST) to run"))
struct ShardedCorpusTests {
    @Test func fourShardsOfTenThousandPNGs() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let corpus = folder + "/t10k"
        let export = try RunFNN.run(["export-png", "--data", Fixtures.mnist, "--set", "t10k", corpus])
        #expect(export.status == 0, "\(export.standardError)")
        let whole = try RunFNN.run(["predict", corpus, "-o", folder + "/all.csv", "--report", folder + "/all.txt"], removing: ScaleOutTests.engineVariables)
        #expect(whole.status == 0, "\(whole.standardError)")
        let all = try ScaleOutTests.rows(folder + "/all.csv")
        #expect(all.count == 10_000)

        let environments: [[String: String]] = [
            ["JOB_COMPLETION_INDEX": "0"],
            ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"],
            ["AWS_BATCH_JOB_ARRAY_INDEX": "2", "AWS_BATCH_JOB_ARRAY_SIZE": "4"],
            ["JOB_COMPLETION_INDEX": "3"],
        ]
        var union: [String] = []
        for (index, environment) in environments.enumerated() {
            let output = "\(folder)/shard-\(index).csv"
            // Kubernetes does not export the count; the others do.
            let count = environment["JOB_COMPLETION_INDEX"] != nil ? ["--shard-count", "4"] : []
            let arguments = ["predict", corpus, "--shard", "auto", "-o", output, "--resume", "--chunk-size", "100"] + count
            if index == 1 {
                // Killed mid-run, then started again with the same command.
                let first = try RunningFNN(arguments, environment: environment)
                let deadline = Date().addingTimeInterval(120)
                while Date() < deadline, ((try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 500 {
                    usleep(5_000)
                }
                kill(first.process.processIdentifier, SIGKILL)
                _ = first.finish()
                let kept = try ScaleOutTests.rows(output).count
                #expect(kept >= 499 && kept < 2_400, "killed mid-run: \(kept) rows on disk")
            }
            let run = try ScaleOutTests.predict(Array(arguments.dropFirst()), environment: environment)
            #expect(run.status == 0, "shard \(index): \(run.standardError)")
            union += try ScaleOutTests.rows(output)
        }
        #expect(union.count == 10_000)
        #expect(union.sorted() == all.sorted())
        let report = try RunFNN.run(["report"] + (0..<4).map { "\(folder)/shard-\($0).csv" })
        #expect(report.status == 0)
        #expect(report.standardOutput == (try String(contentsOfFile: folder + "/all.txt", encoding: .utf8)))
    }
}
