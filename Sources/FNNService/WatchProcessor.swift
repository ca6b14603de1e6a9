#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNImage
import FNNModel
import FNNPrediction
import FNNSupport

/// Processes batches of files of a hot folder with an at-least-once guarantee and
/// idempotent results: after any crash, every input ends in exactly one of `done` or
/// `failed`, with exactly one result, however many processes serve the folder.
///
/// Each process is an instance (`WatchInstance`) with a name and an exclusive lock on
/// `processing/.instances/NAME.lock` that it holds for its whole life. A batch goes
/// through these steps, each durable before the next starts:
/// 1. claim: create `processing/claim-NAME-<16 hex>/` (the folder names its owner; the
///    claim id `claim-<16 hex>` is new for every batch) and rename each `incoming/FILE`
///    into it (atomic: of several processes trying, one wins; a name already used in
///    `processing`, `done` or `failed` gets a `~N` suffix);
/// 2. classify the claimed files;
/// 3. append one JSON line per input to the instance's own log `results/NAME.jsonl`, each
///    naming its claim id, in a single write, and flush it to disk (one `fdatasync` per
///    batch);
/// 4. move each input to `done` (or `failed`, with `failed/.reasons/FILE.reason.txt`),
///    remove the claim folder and flush the folders.
///
/// Choosing names (step 1) and moving out (step 4) happen under the names lock
/// (`WatchLayout.namesLock`), so two processes never give two inputs the same name in
/// `done` or `failed`; classifying, the slow part, runs in parallel.
///
/// A crash before step 3 is durable leaves the input in its claim folder with no result
/// (a torn last line is cut off when its owner's name is next taken), and it is redone.
/// A crash between steps 3 and 4 leaves it there with its result already logged: the
/// line with the same claim id and name is found and the input is only moved. A result is
/// tied to its claim, never to the bare name, so an input that reuses the name of one
/// processed long ago never inherits that one's result.
///
/// Who redoes it (`recovery()`): a claim belongs to the instance its folder names while
/// that instance's lock is held. The kernel drops the lock when the process dies, so any
/// live process that can take the lock knows the owner is dead; holding that lock, it
/// adopts the claim by renaming `claim-DEAD-<hex>` to `claim-SELF-<hex>` (atomic, and the
/// claim id stays the same), reads every results log for lines already written under
/// that claim id (the dead owner's, any earlier adopter's, the legacy
/// `results/results.jsonl`), only moves those inputs and classifies the rest into its own
/// log. A claim whose owner is alive is never touched. A lock was chosen over a lease
/// (a time stamp renewed by the owner) because it needs no clocks to agree and no
/// renewal writes, and is released at once on a local file system; on NFS it lasts until
/// the dead client's lease expires (see `LockFile`).
///
/// Renames are atomic on one local file system and within one NFS export; after a
/// retransmission, NFS can report `ENOENT` for a rename that did happen, so a failed
/// rename counts as done when the target exists and the source does not.
///
/// Names are bytes (`BytePath`): names that are not UTF-8 are claimed, classified and
/// moved as they are. Entries that are not regular files (folders, named pipes, symbolic
/// links, sockets) are claimed too (a rename moves the entry itself, never what a link
/// points to) and failed with a reason, without ever being opened.
package struct WatchProcessor: Sendable {
    package let layout: WatchLayout
    /// The name of this process's instance: it owns the claim folders that carry it and
    /// writes the log `results/NAME.jsonl`.
    package let instance: String
    /// How long a file in `incoming` that is not yet a complete PNG may stay unchanged
    /// before it is failed as truncated (it may still be being written in place).
    package let settleSeconds: Double
    /// How long since a regular file in `incoming` was last modified before it is taken:
    /// for polling network file systems, where a file written by another machine brings
    /// no event when it is closed.
    package let minimumAge: Double
    package let limits: PNGLimits
    package let threads: Int
    /// With `--segment`, how each input is split into a row of digits; nil when each
    /// input is one digit.
    package let segmenter: DigitSegmenter?

    package init(
        layout: WatchLayout, instance: String, settleSeconds: Double = 10, minimumAge: Double = 0, limits: PNGLimits = .standard,
        threads: Int, segmenter: DigitSegmenter? = nil
    ) {
        self.segmenter = segmenter
        self.layout = layout
        self.instance = instance
        self.settleSeconds = settleSeconds
        self.minimumAge = minimumAge
        self.limits = limits
        self.threads = threads
    }

    /// What became of one input.
    package struct Outcome: Sendable, Equatable {
        package var name: BytePath
        package var prediction: String?
        package var error: String?
        /// fnn's error code of a failure (`not-png`, `truncated`, …).
        package var errorCode: String? = nil
    }

    /// Inputs claimed together: the claim id names their folder in `processing`.
    package struct Batch: Sendable, Equatable {
        /// `claim-` and 16 hexadecimal digits, unique to this claim; it stays the same when
        /// another instance adopts the claim.
        package var id: String
        /// The inputs' names (as they will be in `done` or `failed`).
        package var names: [BytePath]
        /// When this process claimed them (`now()`), or nil for a batch found by recovery.
        package var claimedAt: Double?

        package init(id: String, names: [BytePath], claimedAt: Double? = nil) {
            self.id = id
            self.names = names
            self.claimedAt = claimedAt
        }
    }

    /// The prefix of claim folders in `processing`.
    static let claimPrefix = "claim-"

    /// Creates any missing folder of the layout, the reasons folder in `failed` and the
    /// lock folder in `processing`.
    package func prepareFolders() throws(FileAccessError) {
        try Self.prepareFolders(layout)
    }

    /// Creates the folders of `layout` (see `prepareFolders()`), before an instance name is
    /// taken: its lock lives in one of them.
    package static func prepareFolders(_ layout: WatchLayout) throws(FileAccessError) {
        for folder in layout.all + [layout.reasons, layout.instances] {
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

    /// The names in `incoming` worth trying, sorted: every entry but dot-files and
    /// temporary names, whatever its type.
    package func scanIncoming() -> [BytePath] {
        Self.entries(in: BytePath(layout.incoming)).filter { !WatchLayout.isIgnored($0.lossy) }
    }

    /// The files waiting in `incoming` (what `scanIncoming()` would take) and those in
    /// the claim folders of `processing` (every instance's), for the backlog gauges.
    package func backlog() -> (incoming: Int, processing: Int) {
        let processing = BytePath(layout.processing)
        var claimed = 0
        for name in Self.entries(in: processing) where name.bytes.first != UInt8(ascii: ".") {
            let path = processing.appending(name)
            claimed += Self.parseClaimFolder(name) != nil && FileSystem.isDirectory(path) ? Self.entries(in: path).count : 1
        }
        return (scanIncoming().count, claimed)
    }

    /// The first folder of the layout this process cannot write to, with the reason, or
    /// nil when it can write to them all (for readiness).
    package func unwritableFolder() -> String? {
        for folder in layout.all + [layout.reasons] where access(folder, W_OK) != 0 {
            return "\(BytePath.escape(folder)) is not writable (\(String(cString: strerror(errno))))"
        }
        return nil
    }

    /// Whether an earlier run, or a batch whose move failed, left anything in `processing`.
    /// An empty claim folder counts, so that the periodic check hands it to `recover()`,
    /// which removes it without making a batch of it; so do the claims of other instances,
    /// whose owners recovery checks are alive. Dot-names (the lock folder) do not.
    package func hasLeftovers() -> Bool {
        Self.entries(in: BytePath(layout.processing)).contains { $0.bytes.first != UInt8(ascii: ".") }
    }

    /// Claims what is ready of `names` in `incoming` into a new claim folder, returning
    /// the batch (`nil` when nothing was claimed). Regular files modified less than
    /// `minimumAge` ago are left for later, and so are those that are not yet complete
    /// PNGs unless they have not changed for `settleSeconds`; other entries are claimed as
    /// they are, to be failed. Another process may claim some of `names` first: those are
    /// simply not in the batch.
    package func claim(_ names: [BytePath]) -> Batch? {
        let incoming = BytePath(layout.incoming)
        var batch: Batch?
        var folder = BytePath(layout.processing)
        var taken = NamesInUse(folders: [], reasons: BytePath(layout.reasons))
        var lock: HeldLock?
        defer { lock?.unlock() }
        for name in names where Self.isPlainName(name) && !WatchLayout.isIgnored(name.lossy) {
            let source = incoming.appending(name)
            var status = stat()
            guard source.withCString({ lstat($0, &status) }) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFREG {
                let age = Self.now() - Double(status.st_mtim.tv_sec) - Double(status.st_mtim.tv_nsec) * 1e-9
                if age < minimumAge { continue }
                // A PNG still being written in place has its signature but not yet its
                // IEND; leave it until it is complete (its closing brings another event)
                // or has not changed for `settleSeconds`.
                if age < settleSeconds, Self.mayStillBeWritten(source) { continue }
            }
            if batch == nil {
                // Names are chosen under the names lock, from a view of done/, failed/ and
                // every claim folder that no other process changes meanwhile.
                lock = namesLock()
                guard let id = makeClaimFolder() else { return nil }
                batch = Batch(id: id, names: [], claimedAt: Self.now())
                folder = claimFolder(id)
                taken = namesInUse()
            }
            let target = uniqueName(name, taken: taken)
            if Self.rename(source, folder.appending(target)) {
                batch?.names.append(target)
                taken.insert(target)
            }
        }
        lock?.unlock()
        guard let claimed = batch else { return nil }
        if claimed.names.isEmpty {
            removeIfEmpty(folder)
            return nil
        }
        Self.syncFolder(folder)
        Self.syncFolder(incoming)
        return claimed
    }

    /// A predictor for `model` with this processor's limits and threads, to reuse across batches.
    package func predictor(for model: Model) -> BatchPredictor {
        BatchPredictor(model: model, limits: limits, threads: threads)
    }

    /// Classifies the inputs of `batch` with `predictor`, writes their results and moves
    /// them out, durably.
    ///
    /// - Throws: `FileAccessError` when results cannot be written (a full disk, a
    ///   read-only folder); the files then stay in `processing` to be retried.
    package func process(_ batch: Batch, predictor: BatchPredictor, modelDigest: String) throws(FileAccessError) -> [Outcome] {
        let folder = claimFolder(batch.id)
        guard !batch.names.isEmpty else {
            removeIfEmpty(folder)
            return []
        }
        var outcomes: [Result<WatchResult.Reading, ImageError>?] = []
        var entries: [ImageCollection.Entry] = []
        var positions: [Int] = []
        for name in batch.names {
            let path = folder.appending(name)
            if let kind = FileBytes.kindIfNotRegular(path) {
                // Never opened: a link is not followed, a pipe not read, a folder not entered.
                outcomes.append(.failure(ImageError(.unreadable, kind)))
            } else {
                outcomes.append(nil)
                positions.append(outcomes.count - 1)
                entries.append(ImageCollection.Entry(location: path, relativePath: name, followLinks: false))
            }
        }
        let read: [Result<WatchResult.Reading, ImageError>] =
            if let segmenter {
                StringPredictor(predictor: predictor, segmenter: segmenter).predict(entries).map { $0.outcome.map { .string($0) } }
            } else {
                predictor.predict(entries).map { $0.outcome.map { .digit($0) } }
            }
        for (position, outcome) in zip(positions, read) { outcomes[position] = outcome }

        // Step 3: one line per input, appended in one write and flushed once.
        var lines: [UInt8] = []
        var done: [Outcome] = []
        for (name, outcome) in zip(batch.names, outcomes) {
            guard let outcome else { continue }
            lines += Array(WatchResult.json(name: name, claim: batch.id, outcome: outcome, modelDigest: modelDigest).utf8)
            switch outcome {
            case .success(let reading):
                done.append(Outcome(name: name, prediction: reading.text, error: nil))
            case .failure(let error):
                done.append(Outcome(name: name, prediction: nil, error: error.message, errorCode: error.code.rawValue))
                try? Self.writeUnsynced(Array((error.message + "\n").utf8), to: reasonPath(name))
            }
        }
        try appendDurably(lines)

        // Step 4: the inputs out of processing.
        move(done, from: batch.id)
        return done
    }

    /// Where the reason of failed input `name` is written: in `failed/.reasons`, a name
    /// space of its own (no input is a dot-name), so a reason never replaces an input.
    package func reasonPath(_ name: BytePath) -> BytePath {
        BytePath(layout.reasons).appending(BytePath(bytes: name.bytes + Array(".reason.txt".utf8)))
    }

    /// Moves processed inputs of claim `id` to `done` or `failed`, removes the claim
    /// folder when it is empty, and flushes the folders.
    ///
    /// Between the last rename and the removal of the claim folder (two folder flushes),
    /// `processing` holds an empty claim folder while every input of the batch is already
    /// in `done` or `failed`: an observer must wait for the folder to go, and a crash
    /// there leaves it for `recover()` to remove.
    func move(_ outcomes: [Outcome], from id: String) {
        let folder = claimFolder(id)
        let lock = namesLock()
        for outcome in outcomes {
            let target = BytePath(outcome.error == nil ? layout.done : layout.failed)
            _ = Self.rename(folder.appending(outcome.name), target.appending(outcome.name))
        }
        lock?.unlock()
        Self.syncFolder(BytePath(layout.done))
        Self.syncFolder(BytePath(layout.failed))
        removeIfEmpty(folder)
    }

    /// Removes claim folder `folder` if it holds nothing, and flushes `processing`.
    /// The corresponding C function is `rmdir`, which refuses a folder that is not empty.
    func removeIfEmpty(_ folder: BytePath) {
        if folder.withCString({ rmdir($0) }) == 0 { Self.syncFolder(BytePath(layout.processing)) }
    }

    /// This instance's results log: no other process writes to it.
    package var logPath: String { layout.logPath(instance: instance) }

    /// Waits for the names lock (see `WatchLayout.namesLock`); `nil` when its file cannot
    /// be opened or locked (a read-only lock folder), and the step then runs unlocked,
    /// which is safe for a single process.
    func namesLock() -> HeldLock? {
        HeldLock(waitingFor: layout.namesLock)
    }

    /// Appends `bytes` to the results log and flushes it to disk.
    func appendDurably(_ bytes: [UInt8]) throws(FileAccessError) {
        let descriptor = open(logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard descriptor >= 0 else {
            throw FileAccessError(path: logPath, message: "cannot be opened (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw FileAccessError(.notRegular, path: logPath, message: "is not a regular file")
        }
        if let failure = FileDescriptorWriting.writeAll(descriptor, bytes) {
            // Cut off what was written of this batch, so the log stays whole lines.
            if fstat(descriptor, &status) == 0 { _ = ftruncate(descriptor, status.st_size - off_t(failure.written)) }
            throw FileAccessError(path: logPath, message: "cannot be written (\(failure.reason))")
        }
        guard fdatasync(descriptor) == 0 else {
            throw FileAccessError(path: logPath, message: "cannot be flushed to disk (\(String(cString: strerror(errno))))")
        }
        Self.syncFolder(BytePath(layout.results))
    }

    /// `name`, or `name~2`, `name~3`, … if it is taken.
    func uniqueName(_ name: BytePath, taken: NamesInUse) -> BytePath {
        guard taken.contains(name) else { return name }
        let dot = name.bytes.lastIndex(of: UInt8(ascii: "."))
        let stem = dot.map { Array(name.bytes[..<$0]) } ?? name.bytes
        let suffix = dot.map { Array(name.bytes[$0...]) } ?? []
        var number = 2
        while true {
            let candidate = BytePath(bytes: stem + Array("~\(number)".utf8) + suffix)
            if !taken.contains(candidate) { return candidate }
            number += 1
        }
    }

    /// The names an input may not take: those in `done` and `failed`, in `processing` and
    /// its claim folders, those whose reason file exists, and those just chosen.
    struct NamesInUse {
        var folders: [BytePath]
        var reasons: BytePath
        var chosen: Set<BytePath> = []

        /// The corresponding C function is `lstat` (a dangling link counts as taken).
        func contains(_ name: BytePath) -> Bool {
            if chosen.contains(name) { return true }
            var status = stat()
            for folder in folders where folder.appending(name).withCString({ lstat($0, &status) }) == 0 { return true }
            let reason = reasons.appending(BytePath(bytes: name.bytes + Array(".reason.txt".utf8)))
            return reason.withCString { lstat($0, &status) } == 0
        }

        mutating func insert(_ name: BytePath) {
            chosen.insert(name)
        }
    }

    func namesInUse(includingProcessing: Bool = true) -> NamesInUse {
        let processing = BytePath(layout.processing)
        let claims = Self.entries(in: processing).filter { Self.claimID($0) != nil }.map { processing.appending($0) }
        return NamesInUse(
            folders: [BytePath(layout.done), BytePath(layout.failed)] + (includingProcessing ? [processing] : []) + claims,
            reasons: BytePath(layout.reasons))
    }

    /// Creates a new claim folder of this instance in `processing` and flushes
    /// `processing`; returns its claim id.
    func makeClaimFolder() -> String? {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 {
            let id = Self.claimPrefix + BytePath(bytes: withUnsafeBytes(of: generator.next() as UInt64) { Array($0) }).hex
            let made = claimFolder(id).withCString { mkdir($0, 0o755) }
            if made == 0 {
                Self.syncFolder(BytePath(layout.processing))
                return id
            }
            if errno != EEXIST { return nil }
        }
        return nil
    }

    /// The folder of claim `id` owned by this instance: `claim-NAME-<16 hex>`.
    func claimFolder(_ id: String) -> BytePath {
        claimFolder(id, owner: instance)
    }

    /// The folder of claim `id` owned by `owner`, or the ownerless `claim-<16 hex>` of an
    /// fnn from before instances when `owner` is `nil`.
    func claimFolder(_ id: String, owner: String?) -> BytePath {
        let hex = id.dropFirst(Self.claimPrefix.count)
        return BytePath(layout.processing).appending(BytePath(Self.claimPrefix + (owner.map { $0 + "-" } ?? "") + hex))
    }

    /// What a folder name in `processing` says, if it is a claim folder: its claim id and
    /// its owner (`nil` for a claim folder of an fnn from before instances).
    package static func parseClaimFolder(_ name: BytePath) -> (id: String, owner: String?)? {
        guard let text = name.string, text.hasPrefix(claimPrefix), text.utf8.count >= claimPrefix.utf8.count + 16 else { return nil }
        let hex = text.suffix(16)
        guard hex.allSatisfy(\.isHexDigit) else { return nil }
        let id = claimPrefix + hex
        let middle = text.dropFirst(claimPrefix.count).dropLast(16)
        if middle.isEmpty { return (id, nil) }
        guard middle.hasSuffix("-"), WatchInstance.problem(with: String(middle.dropLast())) == nil else { return nil }
        return (id, String(middle.dropLast()))
    }

    /// The claim id a folder name in `processing` stands for, if it is one.
    static func claimID(_ name: BytePath) -> String? {
        parseClaimFolder(name)?.id
    }

    /// Whether `name` is a single path component (the system never gives anything else).
    static func isPlainName(_ name: BytePath) -> Bool {
        !name.bytes.isEmpty && !name.bytes.contains(UInt8(ascii: "/")) && !name.bytes.contains(0)
    }

    /// Whether a file looks like the start of a PNG that is not finished: shorter than
    /// the signature, or with the signature but without the closing IEND chunk.
    static func mayStillBeWritten(_ path: BytePath) -> Bool {
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
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

    /// The names in a folder, as bytes, sorted, without `.` and `..`.
    package static func entries(in folder: BytePath) -> [BytePath] {
        var names: [BytePath] = []
        guard let directory = folder.withCString({ opendir($0) }) else { return [] }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard name != [0x2E], name != [0x2E, 0x2E] else { continue }
            names.append(BytePath(bytes: name))
        }
        return names.sorted()
    }

    /// Renames `source` to `target`; returns whether it happened. When the system says
    /// `ENOENT`, which NFS can say for a rename that did happen (its reply was lost and
    /// the retransmission found the source gone), it happened if `target` now exists and
    /// `source` does not: every caller renames into a place only it can have filled.
    ///
    /// The corresponding C functions are `rename` and `lstat`.
    package static func rename(_ source: BytePath, _ target: BytePath) -> Bool {
        if source.withCString({ from in target.withCString { to in systemRename(from, to) } }) == 0 { return true }
        guard errno == ENOENT else { return false }
        var status = stat()
        return target.withCString { lstat($0, &status) } == 0 && source.withCString { lstat($0, &status) } != 0
    }

    private static func systemRename(_ source: UnsafePointer<CChar>, _ target: UnsafePointer<CChar>) -> Int32 {
        #if canImport(Glibc)
        Glibc.rename(source, target)
        #else
        Darwin.rename(source, target)
        #endif
    }

    static func writeUnsynced(_ bytes: [UInt8], to path: BytePath) throws(FileAccessError) {
        let descriptor = path.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644) }
        guard descriptor >= 0 else {
            throw FileAccessError(path: path.escaped, message: "cannot be created (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        if let failure = FileDescriptorWriting.writeAll(descriptor, bytes) {
            _ = path.withCString { unlink($0) }
            throw FileAccessError(path: path.escaped, message: "cannot be written (\(failure.reason))")
        }
    }

    static func syncFolder(_ path: BytePath) {
        let descriptor = path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_DIRECTORY) }
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
