import FNNKit
import Testing

@Suite struct ShardTests {
    /// Buckets computed independently (Python's hashlib: first 8 bytes of SHA-256,
    /// big-endian, modulo the count), as `formats/sharding.md` specifies.
    @Test func bucketsFollowTheSpecification() {
        let cases: [([UInt8], [Int: Int])] = [
            (Array("3/0001.png".utf8), [4: 1, 7: 4, 1000: 769]),
            (Array("a.png".utf8), [4: 0, 7: 1, 1000: 672]),
            (Array("caf".utf8) + [0xE9] + Array(".png".utf8), [4: 0, 7: 1, 1000: 616]),
        ]
        for (key, buckets) in cases {
            for (count, bucket) in buckets { #expect(Shard.bucket(of: key, count: count) == bucket) }
        }
    }

    @Test func everyKeyIsInExactlyOneShard() throws {
        let shards = try (0..<5).map { try Shard(index: $0, count: 5) }
        var sizes = [Int](repeating: 0, count: 5)
        for number in 0..<5000 {
            let key = BytePath("digits/\(number % 10)/\(number).png")
            let owners = shards.filter { $0.contains(key) }
            #expect(owners.count == 1)
            if let owner = owners.first { sizes[owner.index] += 1 }
        }
        // A fair hash: every shard within 10 % of 1000.
        #expect(sizes.allSatisfy { (900...1100).contains($0) }, "\(sizes)")
    }

    @Test func parsingAndRanges() throws {
        #expect(try Shard(parsing: "2/8") == Shard(index: 2, count: 8))
        #expect(throws: ShardError.self) { try Shard(parsing: "8/8") }
        #expect(throws: ShardError.self) { try Shard(parsing: "-1/8") }
        #expect(throws: ShardError.self) { try Shard(parsing: "1/0") }
        #expect(throws: ShardError.self) { try Shard(parsing: "1/4/2") }
    }

    @Test func engines() throws {
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "3"], count: 4) == Shard(index: 3, count: 4))
        // Slurm with a step: --array=0-30:10 is four tasks.
        let slurm = ["SLURM_ARRAY_TASK_ID": "20", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_STEP": "10"]
        #expect(try Shard.fromEnvironment(slurm, count: nil) == Shard(index: 2, count: 4))
        var uneven = slurm
        uneven["SLURM_ARRAY_TASK_ID"] = "25"
        let error = #expect(throws: ShardError.self) { try Shard.fromEnvironment(uneven, count: nil) }
        #expect(error?.message.contains("SLURM_ARRAY_TASK_ID=25") == true)
        // Two engines that agree are fine.
        let both = ["AWS_BATCH_JOB_ARRAY_INDEX": "2", "AWS_BATCH_JOB_ARRAY_SIZE": "4", "JOB_COMPLETION_INDEX": "2"]
        #expect(try Shard.fromEnvironment(both, count: 4) == Shard(index: 2, count: 4))
    }
}
