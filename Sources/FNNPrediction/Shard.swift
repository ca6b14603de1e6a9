import FNNSupport

/// One share of a corpus for one task of an array job: the inputs whose key hashes into
/// bucket `index` of `count` (`formats/sharding.md`).
///
/// The key of an input is its path relative to the argument it was found under (for a
/// file in a folder), or the path as given (for a file named directly or listed by
/// `--files-from`). The bucket is the first eight bytes of the key's SHA-256, read as a
/// big-endian unsigned integer, modulo `count`: the same on every machine and in every
/// run, whatever order the files were listed in. Every input is in exactly one shard.
package struct Shard: Sendable, Equatable, CustomStringConvertible {
    package let index: Int
    package let count: Int

    /// The largest number of shards accepted.
    package static let maximumCount = 1 << 20

    package init(index: Int, count: Int) throws(ShardError) {
        guard (1...Self.maximumCount).contains(count) else {
            throw ShardError("the shard count must be from 1 to \(Self.maximumCount), not \(count)")
        }
        guard (0..<count).contains(index) else {
            throw ShardError("the shard index must be from 0 to \(count - 1) (counting from 0), not \(index)")
        }
        self.index = index
        self.count = count
    }

    /// `INDEX/COUNT`, e.g. `0/4` … `3/4`.
    package init(parsing text: String) throws(ShardError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError("--shard takes INDEX/COUNT (e.g. 0/4, counting from 0) or auto, not \(text)")
        }
        try self.init(index: index, count: count)
    }

    package var description: String { "\(index)/\(count)" }

    /// The bucket of `key` among `count`.
    package static func bucket(of key: [UInt8], count: Int) -> Int {
        let digest = SHA256Digest.digest(key)
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count))
    }

    /// Whether the input with `key` belongs to this shard.
    package func contains(_ key: BytePath) -> Bool {
        count == 1 || Self.bucket(of: key.bytes, count: count) == index
    }

    /// The shard that the environment of a batch engine's array task names.
    ///
    /// - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX`; the count is `count` (from
    ///   `--shard-count`), since Kubernetes does not export it.
    /// - Slurm job arrays: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN` and
    ///   `SLURM_ARRAY_TASK_COUNT` (and `SLURM_ARRAY_TASK_STEP` for `--array=0-30:10`):
    ///   the index is (ID − MIN) / STEP.
    /// - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX` and `AWS_BATCH_JOB_ARRAY_SIZE`.
    ///
    /// When several engines' variables are set they must agree, and so must `count`.
    /// - Throws: `ShardError` naming the variable that is missing, not a number or out of
    ///   range, or the two that contradict each other.
    package static func fromEnvironment(_ environment: [String: String], count: Int?) throws(ShardError) -> Shard {
        func number(_ name: String) throws(ShardError) -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingSpaces), value >= 0 else {
                throw ShardError("\(name)=\(text) is not a whole number from 0 up")
            }
            return value
        }
        func need(_ name: String, for engine: String) throws(ShardError) -> Int {
            guard let value = try number(name) else { throw ShardError("\(engine) array task: \(name) is not set") }
            return value
        }
        var found: [(engine: String, shard: Shard, source: String)] = []
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw ShardError(
                    "JOB_COMPLETION_INDEX=\(index) names a Kubernetes Indexed Job task, but Kubernetes does not export the number of completions: pass --shard-count N (the Job's completions)")
            }
            found.append(("Kubernetes", try Self.inRange(index: index, count: count, "JOB_COMPLETION_INDEX", "--shard-count"), "JOB_COMPLETION_INDEX"))
        }
        if environment["SLURM_ARRAY_TASK_ID"] != nil || environment["SLURM_ARRAY_TASK_COUNT"] != nil {
            let id = try need("SLURM_ARRAY_TASK_ID", for: "Slurm")
            let minimum = try need("SLURM_ARRAY_TASK_MIN", for: "Slurm")
            let tasks = try need("SLURM_ARRAY_TASK_COUNT", for: "Slurm")
            let step = try number("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step >= 1 else { throw ShardError("SLURM_ARRAY_TASK_STEP=\(step) must be at least 1") }
            guard id >= minimum, (id - minimum) % step == 0 else {
                throw ShardError(
                    "SLURM_ARRAY_TASK_ID=\(id) is not SLURM_ARRAY_TASK_MIN=\(minimum) plus a multiple of SLURM_ARRAY_TASK_STEP=\(step): fnn needs an evenly spaced array such as --array=0-\(max(tasks, 1) - 1)")
            }
            found.append(("Slurm", try Self.inRange(index: (id - minimum) / step, count: tasks, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"), "SLURM_ARRAY_TASK_COUNT"))
        }
        if environment["AWS_BATCH_JOB_ARRAY_INDEX"] != nil || environment["AWS_BATCH_JOB_ARRAY_SIZE"] != nil {
            let index = try need("AWS_BATCH_JOB_ARRAY_INDEX", for: "AWS Batch")
            let size = try need("AWS_BATCH_JOB_ARRAY_SIZE", for: "AWS Batch")
            found.append(("AWS Batch", try Self.inRange(index: index, count: size, "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE"), "AWS_BATCH_JOB_ARRAY_SIZE"))
        }
        guard let first = found.first else {
            throw ShardError(
                "--shard auto found no array task in the environment: it reads JOB_COMPLETION_INDEX (Kubernetes, with --shard-count), SLURM_ARRAY_TASK_ID, _MIN and _COUNT (Slurm) or AWS_BATCH_JOB_ARRAY_INDEX and _SIZE (AWS Batch)")
        }
        for other in found.dropFirst() where other.shard != first.shard {
            throw ShardError(
                "the environment names two different shards: \(first.engine) says \(first.shard), \(other.engine) says \(other.shard) (\(other.source))")
        }
        if let count, count != first.shard.count {
            throw ShardError("--shard-count \(count) contradicts \(first.source)=\(first.shard.count) (\(first.engine))")
        }
        return first.shard
    }

    private static func inRange(index: Int, count: Int, _ indexName: String, _ countName: String) throws(ShardError) -> Shard {
        guard (1...maximumCount).contains(count) else {
            throw ShardError("\(countName)=\(count) must be from 1 to \(maximumCount)")
        }
        guard index < count else {
            throw ShardError("\(indexName) gives shard \(index), but \(countName) makes \(count) shards (0 to \(count - 1))")
        }
        return try Shard(index: index, count: count)
    }
}

/// A shard that cannot be made: what is wrong, naming the option or variable.
package struct ShardError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        let start = firstIndex { $0 != " " } ?? endIndex
        let end = lastIndex { $0 != " " }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
