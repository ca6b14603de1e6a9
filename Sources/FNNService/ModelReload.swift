import Logging
import Metrics
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif
import FNNSupport

/// Replacing a served model, the one way `fnn watch` and `fnn serve` both do it: the new
/// file is loaded through `ModelLoader` (every checksum verified) and self-tested before
/// it takes over; a damaged or unfit one is refused, logged and counted, and the old model
/// keeps serving. `fnn_model_reloads_total{result="accepted"|"refused"}` counts them.
package enum ModelReload {
    /// The model now at `path`, when it differs from the one with digest `current` and
    /// may serve; nil when it is the same file or was refused.
    package static func attempt(_ path: String?, replacing current: String, logger: Logger) -> FolderWatcher.Serving? {
        do {
            let next = try FolderWatcher.load(path)
            guard next.digest != current else { return nil }
            logger.info("model reloaded", metadata: ["sha256": "\(next.digest.prefix(16))"])
            Counter(label: "fnn_model_reloads_total", dimensions: [("result", "accepted")]).increment()
            return next
        } catch {
            logger.error("refused the new model; the previous one keeps serving", metadata: ["error": "\(error)"])
            Counter(label: "fnn_model_reloads_total", dimensions: [("result", "refused")]).increment()
            return nil
        }
    }
}

/// Watches a model file (inotify on its folder: a file written and closed, or renamed
/// over it) and hands each accepted replacement to `install` (`ModelReload`). For
/// `fnn serve`; `fnn watch` watches its model in its own loop, with the same reload.
package struct ModelReloadService: Service {
    let path: String
    let current: @Sendable () -> String
    let install: @Sendable (FolderWatcher.Serving) -> Void
    let logger: Logger

    package init(path: String, current: @escaping @Sendable () -> String, install: @escaping @Sendable (FolderWatcher.Serving) -> Void, logger: Logger) {
        self.path = path
        self.current = current
        self.install = install
        self.logger = logger
    }

    package func run() async throws {
        #if canImport(Glibc)
        let inotify = try Inotify()
        let folder = try inotify.watch(AtomicFile.parentFolder(of: path))
        let name = BytePath(path).lastComponent
        let stop = StopFlag()
        await withGracefulShutdownHandler {
            while !stop.isRaised && !Task.isCancelled {
                // Never blocks: the cooperative threads are the request handlers' too.
                let events = inotify.next(milliseconds: 0)
                let changed = events.contains { event in
                    switch event {
                    case .overflow: true
                    case .file(let watched, let file): watched == folder && file == name
                    }
                }
                if changed, let next = ModelReload.attempt(path, replacing: current(), logger: logger) { install(next) }
                try? await Task.sleep(for: .milliseconds(100))
            }
        } onGracefulShutdown: {
            stop.raise()
        }
        #else
        try? await gracefulShutdown()
        #endif
    }
}
