import FNNFormat
import FNNModel
import FNNPrediction
import FNNSupport
import Metrics
import Synchronization

/// What a server is serving and whether it takes work: the model (with its SHA-256 and
/// when it was loaded), and whether a drain has begun. Shared by the request handlers;
/// swapping the model is one locked assignment, so a request runs wholly on the old model
/// or wholly on the new one.
package final class ServingState: Sendable {
    /// The model in service.
    package struct Served: Sendable {
        package var predictor: BatchPredictor
        /// The model file's path, or nil for the bundled model.
        package var path: String?
        package var sha256: String
        /// Seconds since the Unix epoch when it was loaded.
        package var loadedAt: Double

        package init(predictor: BatchPredictor, path: String?, sha256: String, loadedAt: Double) {
            self.predictor = predictor
            self.path = path
            self.sha256 = sha256
            self.loadedAt = loadedAt
        }
    }

    private let state: Mutex<(served: Served?, draining: Bool)>

    /// A state serving `served` (and recording it as `fnn_model_info`), or nothing yet.
    package init(_ served: Served?) {
        state = Mutex((served, false))
        ModelInfoMetrics.record(served)
    }

    package var served: Served? { state.withLock { $0.served } }

    /// Puts `served` in service (a model reloaded) and records it as `fnn_model_info`.
    package func replace(with served: Served) {
        let before = state.withLock { state in
            defer { state.served = served }
            return state.served
        }
        ModelInfoMetrics.record(served, replacing: before)
    }

    /// From now on, readiness says no: the process is stopping.
    package func beginDrain() {
        state.withLock { $0.draining = true }
    }

    /// Why the server is not ready, or nil when it is.
    package var notReadyReason: String? {
        state.withLock { state in
            if state.draining { return "draining: the process is shutting down" }
            if state.served == nil { return "no model loaded" }
            return nil
        }
    }
}


/// When a service's main loop last turned, for a liveness probe: `fnn watch` marks each
/// turn (at least every 100 ms when idle, after every batch when busy).
package final class Heartbeat: Sendable {
    private let last = Mutex<ContinuousClock.Instant>(.now)
    /// How long the loop may be silent before the process counts as stuck.
    package let limit: Duration

    package init(limit: Duration) {
        self.limit = limit
    }

    /// The loop turned.
    package func beat() {
        last.withLock { $0 = .now }
    }

    /// Why the process counts as stuck, or nil while its loop turns.
    package var problem: String? {
        let silence = ContinuousClock.now - last.withLock { $0 }
        guard silence > limit else { return nil }
        return "the main loop has not turned for \(Int(silence.seconds)) s (limit \(Int(limit.seconds)) s)"
    }
}

/// The served model as metrics: `fnn_model_info{sha256,path} 1` and
/// `fnn_model_load_timestamp_seconds`, and reloads accepted and refused.
package enum ModelInfoMetrics {
    /// Records `served` as the model in service, and `replaced` (the one before) as no
    /// longer in service.
    package static func record(_ served: ServingState.Served?, replacing replaced: ServingState.Served? = nil) {
        guard let served else { return }
        if let replaced, replaced.sha256 != served.sha256 {
            Gauge(label: "fnn_model_info", dimensions: [("sha256", replaced.sha256), ("path", replaced.path ?? "bundled")]).record(0)
        }
        Gauge(label: "fnn_model_info", dimensions: [("sha256", served.sha256), ("path", served.path ?? "bundled")]).record(1)
        Gauge(label: "fnn_model_load_timestamp_seconds").record(served.loadedAt)
    }
}
