#if canImport(Glibc)
import CLinux
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
/// 3. write each `results/NAME.json` as a temporary file, flush them all to disk with one
///    `syncfs`, rename them into place and flush the folder;
/// 4. move each image to `done` (or `failed`, with `NAME.reason.txt`) and flush the folders.
///
/// A crash before step 4 leaves the image in `processing`, which is redone first on the
/// next start; redoing writes the same result again.
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

    /// Classifies the files `names` in `processing` with `model`, writes their results and
    /// moves them out, durably.
    ///
    /// - Throws: `FileAccessError` when results cannot be written (a full disk, a
    ///   read-only folder); the files then stay in `processing` to be retried.
    public func process(_ names: [String], model: Model, modelDigest: String) throws(FileAccessError) -> [Outcome] {
        guard !names.isEmpty else { return [] }
        let predictor = BatchPredictor(model: model, limits: limits, threads: threads)
        let entries = names.map { ImageCollection.Entry(path: layout.processing + "/" + $0, relativePath: $0) }
        let results = predictor.predict(entries)

        // Step 3: results, written in full and flushed together, then renamed in.
        var temporaries: [(String, String)] = []
        for (name, result) in zip(names, results) {
            let final = layout.results + "/" + name + ".json"
            let temporary = layout.results + "/." + name + ".json.tmp"
            try Self.writeUnsynced(Array(WatchResult.json(name: name, result: result, modelDigest: modelDigest).utf8), to: temporary)
            temporaries.append((temporary, final))
            if case .failure(let error) = result.outcome {
                let reason = layout.failed + "/" + name + ".reason.txt"
                let temporaryReason = layout.failed + "/." + name + ".reason.txt.tmp"
                try Self.writeUnsynced(Array((error.message + "\n").utf8), to: temporaryReason)
                temporaries.append((temporaryReason, reason))
            }
        }
        Self.syncFileSystem(of: layout.results)
        Self.syncFileSystem(of: layout.failed)
        for (temporary, final) in temporaries {
            guard rename(temporary, final) == 0 else {
                throw FileAccessError(path: final, message: "cannot be written (\(String(cString: strerror(errno))))")
            }
        }
        Self.syncFolder(layout.results)
        Self.syncFolder(layout.failed)

        // Step 4: the images out of processing.
        var outcomes: [Outcome] = []
        for (name, result) in zip(names, results) {
            let source = layout.processing + "/" + name
            switch result.outcome {
            case .success(let prediction):
                _ = rename(source, layout.done + "/" + name)
                outcomes.append(Outcome(name: name, prediction: prediction.label, error: nil))
            case .failure(let error):
                _ = rename(source, layout.failed + "/" + name)
                outcomes.append(Outcome(name: name, prediction: nil, error: error.message))
            }
        }
        Self.syncFolder(layout.done)
        Self.syncFolder(layout.failed)
        Self.syncFolder(layout.processing)
        return outcomes
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
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress.map { $0 + written }, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw FileAccessError(path: path, message: "cannot be written (\(reason))")
            }
            written += count
        }
    }

    /// Flushes every file of the file system holding `path` to disk, in one call.
    static func syncFileSystem(of path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        #if canImport(Glibc)
        _ = CLinux_syncfs(descriptor)
        #else
        fsync(descriptor)
        #endif
        close(descriptor)
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
