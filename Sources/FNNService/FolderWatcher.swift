import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNFormat
import FNNInference
import FNNModel
import FNNPrediction
import FNNSupport

/// The hot-folder daemon: watches `incoming` with inotify (or polls it, for network file
/// systems) and classifies every PNG that arrives, durably (see `WatchProcessor`). Any
/// number of them may serve one folder, each as its own `WatchInstance`. Runs as a
/// swift-service-lifecycle `Service`: graceful shutdown stops intake, finishes the batch
/// in hand and returns.
///
/// On start it adds the watch first and then scans what is already there (so no file
/// slips between), after redoing whatever an earlier run of its instance, or a dead
/// instance, left in `processing`. On a kernel queue overflow, and every `rescanSeconds`
/// as a backstop, it rescans; with `pollSeconds` it does not watch `incoming` at all and
/// rescans it that often. About once a second it runs recovery, which adopts the claims
/// of instances that died. When the model file is replaced, the new model is loaded, its
/// checksums verified and a self-test run before it takes over; a damaged or
/// incompatible one is refused and the old one keeps serving.
package struct FolderWatcher: Service {
    package let processor: WatchProcessor
    /// The instance this process is: holding it holds its lock for the service's life.
    package let instance: WatchInstance
    /// The model file, watched for replacement; `nil` for the bundled model.
    package let modelPath: String?
    package let once: Bool
    package let rescanSeconds: Double
    /// When set, `incoming` is not watched with inotify but rescanned this often (inotify
    /// sees nothing of files that other machines write on a network file system).
    package let pollSeconds: Double?
    /// The most files classified in one batch.
    package let batchLimit: Int
    package let logger: Logger

    /// The model loaded and checked before the service started, so that it is loaded
    /// and self-tested once; `nil` to load it when the service starts.
    let initial: Serving?
    /// Where the model in service is published (for `--listen`'s readiness and model
    /// metrics), once it is ready to classify and after each reload.
    let state: ServingState?
    /// Beaten at every turn of the loop, for the liveness probe.
    let heartbeat: Heartbeat?

    package init(
        processor: WatchProcessor, instance: WatchInstance, modelPath: String?, serving: Serving? = nil, once: Bool,
        rescanSeconds: Double = 30, pollSeconds: Double? = nil, batchLimit: Int = 2048, state: ServingState? = nil,
        heartbeat: Heartbeat? = nil, logger: Logger
    ) {
        self.state = state
        self.heartbeat = heartbeat
        self.processor = processor
        self.instance = instance
        self.modelPath = modelPath
        self.initial = serving
        self.once = once
        self.rescanSeconds = pollSeconds ?? rescanSeconds
        self.pollSeconds = pollSeconds
        self.batchLimit = batchLimit
        self.logger = logger
    }

    /// The model in service and the digest of its file.
    package struct Serving: Sendable {
        package var model: Model
        package var digest: String
        /// Built once per model: it holds the decoded weights.
        var predictor: BatchPredictor?
    }

    /// Loads a model file (through `ModelLoader`, the one loader) and checks it can serve.
    package static func load(_ path: String?) throws -> Serving {
        let loaded = try ModelLoader.loadFile(path)
        if let problem = ModelSelfTest.problem(with: loaded.model) {
            throw ModelRefusal(path: loaded.name, reason: "self-test failed: " + problem)
        }
        return Serving(model: loaded.model, digest: loaded.sha256)
    }

    package func run() async throws {
        try processor.prepareFolders()
        processor.repairLog()
        var serving = try initial ?? Self.load(modelPath)
        serving.predictor = processor.predictor(for: serving.model)
        publish(serving)
        logger.info(
            "serving",
            metadata: [
                "model": "\(modelPath ?? "bundled")", "sha256": "\(serving.digest.prefix(16))", "instance": "\(instance.name)",
                "intake": "\(pollSeconds.map { "poll every \($0) s" } ?? "inotify")",
            ])
        #if canImport(Glibc)
        let inotify = try Inotify()
        let incomingWatch = try pollSeconds == nil ? inotify.watch(processor.layout.incoming) : -1
        let modelFolder = modelPath.map { AtomicFile.parentFolder(of: $0) }
        let modelName = modelPath.map { BytePath($0).lastComponent }
        let modelWatch = try modelFolder.map { try inotify.watch($0) }
        #endif

        // Redo what an earlier run, or a dead instance, left half done, then what is waiting.
        await finish(recover(), serving: serving)
        var waiting = await intake(processor.scanIncoming(), serving: serving)
        if once { return }

        let stop = StopFlag()
        await withGracefulShutdownHandler {
            var lastScan = WatchProcessor.now()
            var lastRecovery = lastScan
            while !stop.isRaised && !Task.isCancelled {
                heartbeat?.beat()
                #if canImport(Glibc)
                var events = inotify.next(milliseconds: 100)
                // A burst arrives over time: keep gathering while events keep coming (each
                // batch costs a flush to disk), for at most 50 ms.
                if !events.isEmpty {
                    let until = WatchProcessor.now() + 0.05
                    while WatchProcessor.now() < until {
                        let more = inotify.next(milliseconds: 2)
                        if more.isEmpty { break }
                        events += more
                    }
                }
                var names: [BytePath] = []
                var rescan = false
                var modelChanged = false
                for event in events {
                    switch event {
                    case .overflow:
                        logger.warning("inotify queue overflowed; rescanning incoming")
                        rescan = true
                    case .file(let folder, let name) where folder == incomingWatch:
                        names.append(name)
                    case .file(let folder, let name) where folder == modelWatch && name == modelName:
                        modelChanged = true
                    default:
                        break
                    }
                }
                if modelChanged { serving = reload(serving) }
                #else
                try await Task.sleep(for: .milliseconds(100))
                var names: [BytePath] = []
                var rescan = false
                #endif
                let now = WatchProcessor.now()
                // Files that may still be being written are looked at again every second.
                // Only a full scan can tell that none is left waiting: files named by
                // events say nothing of one left earlier.
                if rescan || now - lastScan >= (waiting ? min(1, rescanSeconds) : rescanSeconds) {
                    names = processor.scanIncoming()
                    lastScan = now
                    waiting = false
                }
                if !names.isEmpty {
                    let left = await intake(Array(Set(names)).sorted(), serving: serving)
                    waiting = waiting || left
                }
                // Files left in processing (a move that failed, or the claims of an instance
                // that died) are finished, about once a second, through recovery, so none
                // gets a second result; the claims of live instances are left alone.
                if now - lastRecovery >= 1, processor.hasLeftovers() {
                    lastRecovery = now
                    await finish(recover(), serving: serving)
                }
            }
        } onGracefulShutdown: {
            stop.raise()
        }
        logger.info("stopped")
    }

    /// Claims and processes `names` of `incoming`, in batches. Graceful shutdown stops
    /// intake between batches: the batch in hand is finished, the rest stays in `incoming`.
    ///
    /// - Returns: whether some files were left in `incoming` because they may still be
    ///   being written (each is logged at debug level).
    @discardableResult
    private func intake(_ names: [BytePath], serving: Serving) async -> Bool {
        guard !names.isEmpty else { return false }
        var leftOver = false
        var start = 0
        let incoming = BytePath(processor.layout.incoming)
        while start < names.count, !Task.isShuttingDownGracefully {
            let slice = Array(names[start..<min(start + batchLimit, names.count)])
            start += batchLimit
            let batch = processor.claim(slice)
            if (batch?.names.count ?? 0) < slice.count {
                for name in slice where WatchProcessor.isPlainName(name) && !WatchLayout.isIgnored(name.lossy) {
                    var status = stat()
                    guard incoming.appending(name).withCString({ lstat($0, &status) }) == 0 else { continue }
                    leftOver = true
                    logger.debug("left in incoming until complete", metadata: ["file": .stringConvertible(name)])
                }
            }
            if let batch { await process(batch, serving: serving) }
        }
        return leftOver
    }

    /// Runs recovery and logs the claims it adopted (at notice level) and those it left to
    /// their live owners (at trace level).
    private func recover() -> [WatchProcessor.Batch] {
        let recovery = processor.recovery()
        for (claim, owner) in recovery.adopted.sorted(by: { $0.key < $1.key }) {
            logger.notice("adopted the claim of a dead instance", metadata: ["claim": "\(claim)", "owner": "\(owner.isEmpty ? "none" : owner)"])
        }
        for (claim, owner) in recovery.leftToLiveOwners.sorted(by: { $0.key < $1.key }) {
            logger.trace("left to its live owner", metadata: ["claim": "\(claim)", "owner": "\(owner)"])
        }
        return recovery.batches
    }

    /// Processes batches already claimed (left by recovery).
    private func finish(_ batches: [WatchProcessor.Batch], serving: Serving) async {
        for batch in batches { await process(batch, serving: serving) }
    }

    /// Processes one claimed batch, retrying after a pause when results cannot be written.
    private func process(_ claimed: WatchProcessor.Batch, serving: Serving) async {
        var batch = claimed
        var attempt = 0
        let started = WatchProcessor.now()
        while true {
            do {
                let predictor = serving.predictor ?? processor.predictor(for: serving.model)
                let outcomes = try processor.process(batch, predictor: predictor, modelDigest: serving.digest)
                WatchMetrics.record(outcomes, latency: WatchProcessor.now() - (claimed.claimedAt ?? started))
                heartbeat?.beat()
                for outcome in outcomes {
                    if let error = outcome.error {
                        logger.warning("failed", metadata: ["file": .stringConvertible(outcome.name), "reason": "\(error)"])
                    } else {
                        logger.debug("done", metadata: ["file": .stringConvertible(outcome.name), "prediction": "\(outcome.prediction ?? "")"])
                    }
                }
                logger.info("batch", metadata: ["files": "\(outcomes.count)", "failed": "\(outcomes.filter { $0.error != nil }.count)"])
                return
            } catch {
                attempt += 1
                logger.error("cannot write results; will retry", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                heartbeat?.beat()
                try? await Task.sleep(for: .seconds(min(30, attempt)))
                if Task.isCancelled { return }
                // Part of the batch may have been logged before the failure: those
                // files are only moved, so none gets a second result.
                guard let rest = recover().first(where: { $0.id == batch.id }) else { return }
                batch = rest
            }
        }
    }

    /// The new model if it loads and passes its checks, else the old one.
    private func reload(_ current: Serving) -> Serving {
        guard var next = ModelReload.attempt(modelPath, replacing: current.digest, logger: logger) else { return current }
        next.predictor = processor.predictor(for: next.model)
        publish(next)
        return next
    }

    /// Publishes `serving` as the model in service.
    private func publish(_ serving: Serving) {
        guard let state, let predictor = serving.predictor else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        state.replace(with: ServingState.Served(
            predictor: predictor, path: modelPath, sha256: serving.digest, loadedAt: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9))
    }
}

/// A model that loaded but may not serve.
package struct ModelRefusal: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String
    package var description: String { "\(path): \(reason)" }
}

extension FolderWatcher: CustomStringConvertible {
    /// A short description: swift-service-lifecycle logs its services at debug level, and
    /// the default one would print every weight of the model (seconds of output).
    package var description: String {
        "FolderWatcher(instance: \(instance.name), incoming: \(BytePath.escape(processor.layout.incoming)))"
    }
}
