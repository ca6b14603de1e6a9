import Metrics

/// The hot folder's metrics, through swift-metrics: the backend is the command's
/// (Prometheus under `fnn watch --listen`; none, so no cost, otherwise).
///
/// - `fnn_watch_files_total{outcome="done"|"failed"}`: inputs this process classified;
/// - `fnn_watch_failures_total{code}`: failed inputs by fnn's error code;
/// - `fnn_watch_result_latency_seconds`: from an input's claim to its result being on
///   disk (histogram; inputs adopted from a dead instance count from their adoption);
/// - `fnn_watch_batch_files`: the inputs in each batch (histogram);
/// - `fnn_watch_backlog_files{folder="incoming"|"processing"}`: read at each scrape.
package enum WatchMetrics {
    /// Creates the counters at zero, so that a scrape shows them before the first file.
    package static func prepare() {
        for outcome in ["done", "failed"] { files(outcome).increment(by: 0) }
        for result in ["accepted", "refused"] {
            Counter(label: "fnn_model_reloads_total", dimensions: [("result", result)]).increment(by: 0)
        }
    }

    /// Counts the outcomes of one batch whose results were made durable `latency` seconds
    /// after it was claimed.
    static func record(_ outcomes: [WatchProcessor.Outcome], latency: Double) {
        guard !outcomes.isEmpty else { return }
        let failed = outcomes.filter { $0.error != nil }
        files("done").increment(by: outcomes.count - failed.count)
        files("failed").increment(by: failed.count)
        for outcome in failed {
            Counter(label: "fnn_watch_failures_total", dimensions: [("code", outcome.errorCode ?? "unknown")]).increment()
        }
        Recorder(label: "fnn_watch_batch_files", aggregate: true).record(outcomes.count)
        let timer = Metrics.Timer(label: "fnn_watch_result_latency_seconds")
        let nanoseconds = Int64(max(0, latency) * 1e9)
        for _ in outcomes { timer.recordNanoseconds(nanoseconds) }
    }

    /// Records the backlog of `processor`'s folders.
    package static func recordBacklog(_ processor: WatchProcessor) {
        let backlog = processor.backlog()
        Gauge(label: "fnn_watch_backlog_files", dimensions: [("folder", "incoming")]).record(backlog.incoming)
        Gauge(label: "fnn_watch_backlog_files", dimensions: [("folder", "processing")]).record(backlog.processing)
    }

    private static func files(_ outcome: String) -> Counter {
        Counter(label: "fnn_watch_files_total", dimensions: [("outcome", outcome)])
    }
}
