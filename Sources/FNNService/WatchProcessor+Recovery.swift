#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNSupport

extension WatchProcessor {
    /// What one pass of recovery found and did.
    package struct Recovery: Sendable, Equatable {
        /// The claims of this instance that still need processing (their logged inputs
        /// already moved out).
        package var batches: [Batch] = []
        /// The claims adopted from dead instances in this pass: claim id → former owner
        /// (`claim-<16 hex>` folders of an fnn from before instances have owner `""`).
        package var adopted: [String: String] = [:]
        /// The claims left alone because their owner is alive: claim id → owner.
        package var leftToLiveOwners: [String: String] = [:]
    }

    /// Prepares a restart, and is run every second or so while serving: finishes the
    /// inputs in this instance's claim folders whose result a log already holds under
    /// their claim id (a crash came between steps 3 and 4), adopts the claims of dead
    /// instances the same way, and returns the batches that still need processing.
    package func recover() -> [Batch] {
        recovery().batches
    }

    /// `recover()`, with what it adopted and what it left alone.
    ///
    /// A claim folder of another instance is adopted only while this process holds that
    /// instance's lock, which a live owner never lets go: so an idle process never takes
    /// work a live one is doing, two survivors never both adopt a claim, and a dead
    /// instance cannot restart under its name meanwhile. Adopting is an atomic rename of
    /// `claim-DEAD-<hex>` to `claim-SELF-<hex>` under the names lock; the claim id stays
    /// the same, so lines the dead owner logged are found. Every results log in
    /// `results/` is read (its last 4 MiB), the legacy `results.jsonl` included, so no
    /// line logged under a claim by any earlier owner is written twice.
    ///
    /// Anything directly in `processing` but dot-names (left by an fnn from before claim
    /// folders) is first moved into a new claim folder, and so is redone. An empty claim
    /// folder of this instance or of a dead one (a crash between creating it and the first
    /// rename, or between the last move and its removal) is removed and is never a batch.
    package func recovery() -> Recovery {
        let processing = BytePath(layout.processing)
        var report = Recovery()
        var mine: [String] = []
        var orphans: [(id: String, owner: String?)] = []
        var loose: [BytePath] = []
        // The locks of dead owners, held until their claims are ours; nil for a live owner.
        var deadOwners: [String: HeldLock?] = [:]
        defer { for lock in deadOwners.values { lock?.unlock() } }
        for name in Self.entries(in: processing) where name.bytes.first != UInt8(ascii: ".") {
            guard let claim = Self.parseClaimFolder(name), FileSystem.isDirectory(processing.appending(name)) else {
                loose.append(name)
                continue
            }
            guard let owner = claim.owner else {
                orphans.append(claim)
                continue
            }
            if owner == instance {
                mine.append(claim.id)
                continue
            }
            if deadOwners[owner] == nil {
                var failure: FileAccessError?
                deadOwners[owner] = .some(HeldLock(ifFree: layout.lockPath(instance: owner), failure: &failure))
            }
            if case .some(.some) = deadOwners[owner] {
                orphans.append(claim)
            } else {
                report.leftToLiveOwners[claim.id] = owner
            }
        }
        if !orphans.isEmpty || !loose.isEmpty {
            let lock = namesLock()
            for orphan in orphans where Self.rename(claimFolder(orphan.id, owner: orphan.owner), claimFolder(orphan.id)) {
                mine.append(orphan.id)
                report.adopted[orphan.id] = orphan.owner ?? ""
            }
            if !loose.isEmpty, let id = adoptLoose(loose) { mine.append(id) }
            lock?.unlock()
            Self.syncFolder(processing)
        }
        for lock in deadOwners.values { lock?.unlock() }

        for id in mine {
            let names = Self.entries(in: claimFolder(id))
            if names.isEmpty {
                removeIfEmpty(claimFolder(id))
            } else {
                report.batches.append(Batch(id: id, names: names))
            }
        }
        guard !report.batches.isEmpty else { return report }
        let recorded = loggedResults(claims: Set(report.batches.map(\.id)))
        var pending: [Batch] = []
        for batch in report.batches {
            let logged = recorded[batch.id] ?? [:]
            let finished = batch.names.compactMap { logged[$0] }
            if !finished.isEmpty { move(finished, from: batch.id) }
            let rest = batch.names.filter { logged[$0] == nil }
            if !rest.isEmpty { pending.append(Batch(id: batch.id, names: rest)) }
        }
        report.batches = pending
        return report
    }

    /// Moves entries lying directly in `processing` into a new claim folder of this
    /// instance (under the names lock, which the caller holds); returns its claim id, or
    /// `nil` if none was moved (another process took them first).
    private func adoptLoose(_ loose: [BytePath]) -> String? {
        guard let id = makeClaimFolder() else { return nil }
        let processing = BytePath(layout.processing)
        let folder = claimFolder(id)
        var taken = namesInUse(includingProcessing: false)
        var moved = false
        for name in loose {
            let target = uniqueName(name, taken: taken)
            if Self.rename(processing.appending(name), folder.appending(target)) {
                moved = true
                taken.insert(target)
            }
        }
        Self.syncFolder(folder)
        if !moved {
            removeIfEmpty(folder)
            return nil
        }
        return id
    }

    /// Cuts a torn last line off this instance's own log (a crash in the middle of an
    /// append), so that the next append starts on a line of its own. Run at start, while
    /// holding the instance's lock: nobody else writes this log.
    package func repairLog() {
        _ = Self.logTail(logPath, keepingBytes: 0, trimming: true)
    }

    /// The results logged for `claims` in every results log of `results/`, by claim id and
    /// name: this instance's log (a torn last line cut off), other instances' logs and the
    /// legacy `results.jsonl` (read, never changed; a last line without its newline is
    /// not yet a result). One log is in memory at a time.
    func loggedResults(claims: Set<String>) -> [String: [BytePath: Outcome]] {
        var recorded: [String: [BytePath: Outcome]] = [:]
        let folder = BytePath(layout.results)
        let own = BytePath(logPath).lastComponent
        for name in Self.entries(in: folder) where name.bytes.first != UInt8(ascii: ".") && name.lossy.hasSuffix(".jsonl") {
            let tail = Self.logTail(folder.appending(name).lossy, keepingBytes: Self.logWindow, trimming: name == own)
            for (claim, outcomes) in WatchResult.recorded(in: tail, claims: claims) {
                recorded[claim, default: [:]].merge(outcomes) { first, _ in first }
            }
        }
        return recorded
    }

    /// How much of the end of each log recovery reads: the results of the latest batches.
    static let logWindow = 4 << 20

    /// The last `keepingBytes` bytes of whole lines of the log at `path` (the results of
    /// the most recent batches), without the partial first line of that window or a
    /// trailing partial line; with `trimming`, that trailing partial line is also cut off
    /// the file. Memory stays bounded whatever the file holds (a line longer than the
    /// window is looked for backwards in pieces), and anything but a regular file is left
    /// alone.
    static func logTail(_ path: String, keepingBytes: Int, trimming: Bool) -> [UInt8] {
        let descriptor = open(path, (trimming ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return [] }
        let size = Int(clamping: status.st_size)
        var end = size
        if size > 0, readAt(descriptor, offset: size - 1, count: 1) != [0x0A] {
            // Find the last newline, looking backwards one piece at a time.
            let piece = 1 << 20
            end = 0
            var upper = size
            while upper > 0 {
                let lower = max(0, upper - piece)
                guard let bytes = readAt(descriptor, offset: lower, count: upper - lower) else { return [] }
                if let last = bytes.lastIndex(of: 0x0A) {
                    end = lower + last + 1
                    break
                }
                upper = lower
            }
            if trimming {
                _ = ftruncate(descriptor, off_t(end))
                _ = fsync(descriptor)
            }
        }
        let start = max(0, end - keepingBytes)
        guard var bytes = readAt(descriptor, offset: start, count: end - start) else { return [] }
        if start > 0 {
            // The window began inside a line: drop that part.
            if let first = bytes.firstIndex(of: 0x0A) { bytes.removeSubrange(...first) } else { bytes = [] }
        }
        return bytes
    }

    /// `count` bytes at `offset`, or `nil` if they cannot all be read.
    private static func readAt(_ descriptor: Int32, offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let read = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + filled }, count - filled, off_t(offset + filled))
            }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { return nil }
            filled += read
        }
        return bytes
    }
}
