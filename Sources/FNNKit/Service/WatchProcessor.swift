import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Processes batches of files of a hot folder with an at-least-once guarantee and
/// idempotent results: after any crash, every input ends in exactly one of `done` or
/// `failed`, with exactly one result.
///
/// A batch goes through these steps, each durable before the next starts:
/// 1. claim: rename `incoming/NAME` to `processing/NAME` (atomic; a name already used in
///    `processing`, `done` or `failed` gets a `~N` suffix);
/// 2. classify the claimed files;
/// 3. append one JSON line per image to `results/results.jsonl` in a single write, and
///    flush it to disk (one `fdatasync` per batch);
/// 4. move each image to `done` (or `failed`, with `NAME.reason.txt`) and flush the folders.
///
/// A crash before step 3 is durable leaves the image in `processing` with no result (a
/// torn last line is cut off at the next start), and it is redone first. A crash between
/// steps 3 and 4 leaves it in `processing` with its result already in the log: the next
/// start finds the result and only moves the image. So each input gets exactly one line.
public struct WatchProcessor: Sendable {
    public let layout: WatchLayout
    /// How long a file in `incoming` that is not yet a complete PNG may stay unchanged
    /// before it is failed as truncated (it may still be being written in place).
    public let settleSeconds: Double
    public let limits: PNGLimits
    public let threads: Int

    public init(layout: WatchLayout, settleSeconds: Double = 10, limits: PNGLimits = .standard, threads: Int) {
        self.layout = layout
        self.settleSeconds = settleSeconds
        self.limits = limits
        self.threads = threads
    }

    /// What became of one input.
    public struct Outcome: Sendable, Equatable {
        public var name: String
        public var prediction: String?
        public var error: String?
    }

    /// Creates any missing folder of the layout.
    public func prepareFolders() throws(FileAccessError) {
        for folder in layout.all {
            var status = stat()
            if stat(folder, &status) == 0 {
                guard (status.st_mode & S_IFMT) == S_IFDIR else { throw FileAccessError(path: folder, message: "is not a folder") }
                continue
            }
            guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
                throw FileAccessError(path: folder, message: "cannot be created (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// The names in `incoming` worth trying, sorted.
    public func scanIncoming() -> [String] {
        Self.regularFiles(in: layout.incoming).filter { !WatchLayout.isIgnored($0) }
    }

    /// The names left in `processing` by an earlier run.
    public func scanProcessing() -> [String] {
        Self.regularFiles(in: layout.processing).filter { !WatchLayout.isIgnored($0) }
    }

    /// Claims what is ready of `names` in `incoming`, returning the claimed names (in
    /// `processing`). Files that are not regular files are ignored; files that are not yet
    /// complete PNGs are left for later unless they have not changed for `settleSeconds`.
    public func claim(_ names: [String]) -> [String] {
        var claimed: [String] = []
        for name in names where !WatchLayout.isIgnored(name) {
            let source = layout.incoming + "/" + name
            var status = stat()
            guard lstat(source, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            // A PNG still being written in place has its signature but not yet its IEND;
            // leave it until it is complete (its closing brings another event) or has
            // not changed for `settleSeconds`.
            if Self.mayStillBeWritten(source) {
                let age = Self.now() - Double(status.st_mtim.tv_sec) - Double(status.st_mtim.tv_nsec) * 1e-9
                if age < settleSeconds { continue }
            }
            let target = uniqueName(name)
            if rename(source, layout.processing + "/" + target) == 0 { claimed.append(target) }
        }
        if !claimed.isEmpty {
            Self.syncFolder(layout.processing)
            Self.syncFolder(layout.incoming)
        }
        return claimed
    }

    /// A predictor for `model` with this processor's limits and threads, to reuse across batches.
    public func predictor(for model: Model) -> BatchPredictor {
        BatchPredictor(model: model, limits: limits, threads: threads)
    }

    /// Classifies the files `names` in `processing` with `predictor`, writes their results and
    /// moves them out, durably.
    ///
    /// - Throws: `FileAccessError` when results cannot be written (a full disk, a
    ///   read-only folder); the files then stay in `processing` to be retried.
    public func process(_ names: [String], predictor: BatchPredictor, modelDigest: String) throws(FileAccessError) -> [Outcome] {
        guard !names.isEmpty else { return [] }
        let entries = names.map { ImageCollection.Entry(path: layout.processing + "/" + $0, relativePath: $0) }
        let results = predictor.predict(entries)

        // Step 3: one line per image, appended in one write and flushed once.
        var lines = ""
        for (name, result) in zip(names, results) {
            lines += WatchResult.json(name: name, result: result, modelDigest: modelDigest)
            if case .failure(let error) = result.outcome {
                try? Self.writeUnsynced(Array((error.message + "\n").utf8), to: layout.failed + "/" + name + ".reason.txt")
            }
        }
        try appendDurably(lines)

        // Step 4: the images out of processing.
        let outcomes = zip(names, results).map { name, result -> Outcome in
            switch result.outcome {
            case .success(let prediction): Outcome(name: name, prediction: prediction.label, error: nil)
            case .failure(let error): Outcome(name: name, prediction: nil, error: error.message)
            }
        }
        move(outcomes)
        return outcomes
    }

    /// Moves processed images to `done` or `failed` and flushes the folders.
    func move(_ outcomes: [Outcome]) {
        for outcome in outcomes {
            let target = outcome.error == nil ? layout.done : layout.failed
            _ = rename(layout.processing + "/" + outcome.name, target + "/" + outcome.name)
        }
        Self.syncFolder(layout.done)
        Self.syncFolder(layout.failed)
        Self.syncFolder(layout.processing)
    }

    /// The results log.
    public var logPath: String { layout.results + "/results.jsonl" }

    /// Appends `text` to the results log and flushes it to disk.
    func appendDurably(_ text: String) throws(FileAccessError) {
        let descriptor = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileAccessError(path: logPath, message: "cannot be opened (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        if let failure = FileDescriptorWriting.writeAll(descriptor, Array(text.utf8)) {
            // Cut off what was written of this batch, so the log stays whole lines.
            var status = stat()
            if fstat(descriptor, &status) == 0 { _ = ftruncate(descriptor, status.st_size - off_t(failure.written)) }
            throw FileAccessError(path: logPath, message: "cannot be written (\(failure.reason))")
        }
        guard fdatasync(descriptor) == 0 else {
            throw FileAccessError(path: logPath, message: "cannot be flushed to disk (\(String(cString: strerror(errno))))")
        }
        Self.syncFolder(layout.results)
    }

    /// Prepares a restart: cuts a torn last line off the results log, and finishes the
    /// files in `processing` whose result the log already holds (a crash came between
    /// steps 3 and 4). Returns the names in `processing` that still need processing.
    public func recover() -> [String] {
        let pending = scanProcessing()
        let tail = Self.trimTornLine(logPath, keepingBytes: 4 << 20)
        guard !pending.isEmpty else { return [] }
        var recorded: [String: Outcome] = [:]
        for line in tail.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let name = object["file"] as? String
            else { continue }
            recorded[name] = Outcome(name: name, prediction: object["prediction"] as? String, error: object["error"] as? String)
        }
        let finished = pending.compactMap { recorded[$0] }
        if !finished.isEmpty { move(finished) }
        return pending.filter { recorded[$0] == nil }
    }

    /// Cuts a trailing partial line off `path` and returns the last `keepingBytes` bytes of
    /// whole lines (the results of the most recent batches).
    static func trimTornLine(_ path: String, keepingBytes: Int) -> String {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        let size = Int(lseek(descriptor, 0, SEEK_END))
        let start = max(0, size - keepingBytes)
        var bytes = [UInt8](repeating: 0, count: size - start)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
        guard count == bytes.count else { return "" }
        if let last = bytes.lastIndex(of: 0x0A), last != bytes.count - 1 {
            _ = ftruncate(descriptor, off_t(start + last + 1))
            _ = fsync(descriptor)
            bytes.removeSubrange((last + 1)...)
        } else if bytes.lastIndex(of: 0x0A) == nil, start == 0 {
            _ = ftruncate(descriptor, 0)
            bytes = []
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `name`, or `name~2`, `name~3`, … if it is already used by another input.
    func uniqueName(_ name: String) -> String {
        func taken(_ candidate: String) -> Bool {
            [layout.processing, layout.done, layout.failed].contains { access($0 + "/" + candidate, F_OK) == 0 }
        }
        guard taken(name) else { return name }
        let dot = name.lastIndex(of: ".")
        let stem = dot.map { String(name[..<$0]) } ?? name
        let suffix = dot.map { String(name[$0...]) } ?? ""
        var number = 2
        while taken("\(stem)~\(number)\(suffix)") { number += 1 }
        return "\(stem)~\(number)\(suffix)"
    }

    /// Whether a file looks like the start of a PNG that is not finished: shorter than
    /// the signature, or with the signature but without the closing IEND chunk.
    static func mayStillBeWritten(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 8 else { return true }
        var head = [UInt8](repeating: 0, count: 8)
        guard head.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, 8, 0) }) == 8, PNGCodec.hasSignature(head) else {
            return false
        }
        guard size >= 12 else { return true }
        var tail = [UInt8](repeating: 0, count: 12)
        let count = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 12, size - 12) }
        return !(count == 12 && tail == PNGCodec.trailer)
    }

    static func regularFiles(in folder: String) -> [String] {
        var names: [String] = []
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            var status = stat()
            guard lstat(folder + "/" + name, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            names.append(name)
        }
        return names.sorted()
    }

    static func writeUnsynced(_ bytes: [UInt8], to path: String) throws(FileAccessError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileAccessError(path: path, message: "cannot be created (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        if let failure = FileDescriptorWriting.writeAll(descriptor, bytes) {
            unlink(path)
            throw FileAccessError(path: path, message: "cannot be written (\(failure.reason))")
        }
    }

    static func syncFolder(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
