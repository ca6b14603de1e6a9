import ArgumentParser
import FNNKit
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `fnn watch`: the hot-folder daemon.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch a folder and classify every PNG digit dropped into it, durably.",
        discussion: """
            Folders (created if missing): DIR/incoming, where producers drop files (best: \
            write elsewhere or under a dot-name, then rename in); DIR/processing; DIR/done \
            and DIR/failed, where each input ends; DIR/results/INSTANCE.jsonl, this \
            process's log, with one line per input ({"file","prediction","confidence","probabilities","model_sha256"} or \
            {"file","error","error_code","model_sha256"}), written and flushed to disk \
            before the input is moved to done/ or failed/; each line names its claim id, \
            and a name that is not UTF-8 also has file_bytes (hex). A failed input also gets \
            DIR/failed/.reasons/NAME.reason.txt. Folders, named pipes and symbolic links \
            dropped in incoming/ are failed without being opened or followed.

            With --segment each input is a row of 1 to 12 digits, read as fnn predict \
            --segment reads it: its line is {"file","digits","confidence","segments",\
            "model_sha256"}, the segments as in predict's JSON Lines; a blank image is failed.

            Every input ends in exactly one of done/ or failed/ with exactly one result, \
            even after a crash: what a crash leaves in processing/ is redone first on the \
            next start, and redoing writes the same result. Files are taken when closed \
            after writing or renamed in (inotify); what is already there is taken at start, \
            and incoming/ is rescanned every --rescan-seconds and after an inotify overflow. \
            Dot-files and temporary names (.tmp, .part, ~) are ignored.

            Any number of fnn watch processes, on one machine or several sharing DIR, may \
            serve one folder: each claims files into claim folders that name its instance, \
            holds a lock on DIR/processing/.instances/INSTANCE.lock while it lives and \
            writes only its own log (follow them all with tail -F DIR/results/*.jsonl). \
            The claims of a process that dies are adopted and finished by a live one, \
            within about a second of the death on a local file system (on NFS, once the \
            dead client's lock lease expires); the claims of a live process are never \
            touched. On NFS, SMB or CephFS, where inotify sees nothing written by other \
            machines, use --poll.

            Replacing the --model file reloads it after checking its checksums and a \
            self-test; a damaged or unfit model is refused and the old one keeps serving. \
            SIGTERM or SIGINT stops intake, finishes the batch in hand and exits 0.

            With --listen HOST:PORT, an HTTP listener (nothing listens unless asked): GET \
            /healthz is 200 while the loop turns (503 when it has not for 120 s); GET \
            /readyz is 200 once the model has passed its self-test and while every folder \
            is writable, 503 with a JSON reason otherwise and from the moment SIGTERM \
            starts the shutdown; GET /metrics is Prometheus's text format: \
            fnn_watch_files_total{outcome}, fnn_watch_failures_total{code}, \
            fnn_watch_result_latency_seconds (claim to durable result), \
            fnn_watch_backlog_files{folder}, fnn_watch_batch_files, \
            fnn_model_reloads_total{result}, fnn_model_info{sha256,path} and process_*.

            Examples:
              fnn watch /srv/digits
              fnn watch /srv/digits --model /etc/fnn/model.fnn --log-format json
              fnn watch /srv/digits --once      # the backlog, then exit (cron, tests)
              fnn watch /mnt/nfs/digits --poll 2 --instance "$(hostname)-a"
              fnn watch /srv/digits --listen 127.0.0.1:9464    # probes and /metrics
              fnn watch /srv/zip-codes --segment                # rows of digits
            """
    )

    @Argument(help: "The hot folder.", completion: .directory)
    var folder: String

    @Option(help: ArgumentHelp("The model (.fnn); the bundled model when left out (no reloading then).", valueName: "file"), completion: .file(extensions: ["fnn"]))
    var model: String?

    @Option(help: ArgumentHelp("Where producers drop files (default: DIR/incoming).", valueName: "dir"))
    var incoming: String?

    @Option(help: ArgumentHelp("Where files are being classified (default: DIR/processing).", valueName: "dir"))
    var processing: String?

    @Option(help: ArgumentHelp("Where classified files go (default: DIR/done).", valueName: "dir"))
    var done: String?

    @Option(help: ArgumentHelp("Where files that could not be classified go (default: DIR/failed).", valueName: "dir"))
    var failed: String?

    @Option(help: ArgumentHelp("Where the results logs go, one per instance (default: DIR/results).", valueName: "dir"))
    var results: String?

    @Flag(help: "Process what is waiting, then exit.")
    var once = false

    @Option(
        help: ArgumentHelp(
            "This process's name among those serving the folder: its log is results/NAME.jsonl and its claim folders carry it. Letters, digits, '.', '_' and '-', not starting with '.' or '-' (default: HOST-K, K the lowest number no live process holds).",
            valueName: "name"))
    var instance: String?

    @Option(
        help: ArgumentHelp(
            "Rescan incoming/ this often instead of watching it with inotify: for NFS, SMB and CephFS, where files written by other machines bring no event.",
            valueName: "s"))
    var poll: Double?

    @Option(
        name: .customLong("min-age"),
        help: ArgumentHelp(
            "Take a file only once it has not been modified for this long, so that half-copied files are left (default: 2 with --poll, else 0).",
            valueName: "s"))
    var minimumAge: Double?

    @Option(name: .customLong("rescan-seconds"), help: ArgumentHelp("Rescan incoming/ this often as a backstop (with --poll, the poll interval instead).", valueName: "s"))
    var rescanSeconds: Double = 30

    @Option(name: .customLong("settle-seconds"), help: ArgumentHelp("Fail a file that is still not a complete PNG after this long unchanged.", valueName: "s"))
    var settleSeconds: Double = 10

    @Option(name: .customLong("shutdown-seconds"), help: ArgumentHelp("On SIGTERM, the longest wait for the batch in hand.", valueName: "s"))
    var shutdownSeconds: Double = 30

    @Option(help: ArgumentHelp("Serve /healthz, /readyz and /metrics over HTTP here: HOST:PORT, [::1]:PORT for IPv6, :PORT for 127.0.0.1 (none unless asked).", valueName: "host:port"))
    var listen: String?

    @Flag(help: "Each input holds a row of digits (1 to 12, left to right): split it into digits and read them all, as fnn predict --segment does.")
    var segment = false

    @OptionGroup var images: ImageOptions

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard rescanSeconds > 0, settleSeconds >= 0, shutdownSeconds > 0 else { throw ValidationError("--rescan-seconds and --shutdown-seconds must be positive.") }
        if let instance, let problem = WatchInstance.problem(with: instance) {
            throw ValidationError("--instance \(BytePath.escape(instance)) \(problem).")
        }
        if let poll, !(poll > 0 && poll.isFinite) { throw ValidationError("--poll must be a positive number of seconds.") }
        if let minimumAge, !(minimumAge >= 0 && minimumAge.isFinite) { throw ValidationError("--min-age must be 0 or more seconds.") }
        if let listen {
            do { _ = try ListenAddress(parsing: listen) } catch { throw ValidationError("--listen \(error)") }
        }
    }

    func run() async throws {
        BLAS.useSingleThread()
        log.bootstrap()
        let logger = Logger(label: "fnn.watch")
        let root = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let standard = WatchLayout(root: root)
        let layout = WatchLayout(
            incoming: incoming ?? standard.incoming, processing: processing ?? standard.processing,
            done: done ?? standard.done, failed: failed ?? standard.failed, results: results ?? standard.results)
        try FileSystem.createDirectories(root)
        try WatchProcessor.prepareFolders(layout)
        let owner = try WatchInstance.acquire(instance, in: layout)
        let processor = WatchProcessor(
            layout: layout, instance: owner.name, settleSeconds: settleSeconds, minimumAge: minimumAge ?? (poll == nil ? 0 : 2),
            limits: images.limits, threads: images.threadCount, segmenter: segment ? DigitSegmenter() : nil)
        let serving = try FolderWatcher.load(model)
        // Under --listen: readiness from the model in service and the folders, liveness
        // from the loop's heartbeat, and the metrics in Prometheus's format.
        let state = ServingState(nil)
        let heartbeat = Heartbeat(limit: .seconds(120))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let listen {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(HTTPMetrics.factory(registry))
            WatchMetrics.prepare()
            let responder = ClassifierResponder(
                state: state, limits: HTTPLimits(maximumFileSize: images.maxFileSize), registry: registry, predicts: false,
                extraReadiness: { processor.unwritableFolder() }, liveness: { heartbeat.problem },
                beforeScrape: { WatchMetrics.recordBacklog(processor) })
            services.append(.init(service: HTTPServer.service(responder, listen: try ListenAddress(parsing: listen), idleTimeout: .seconds(60), logger: logger) { bound in
                logger.info("listening", metadata: ["address": "http://\(bound)"])
            }))
        }
        let watcher = FolderWatcher(
            processor: processor, instance: owner, modelPath: model, serving: serving, once: once, rescanSeconds: rescanSeconds,
            pollSeconds: poll, state: state, heartbeat: heartbeat, logger: logger)
        services.append(.init(service: watcher, successTerminationBehavior: .gracefullyShutdownGroup))
        // Shut down in reverse order: readiness fails first, then the batch in hand is
        // finished, and the listener closes last.
        services.append(.init(service: DrainOnShutdown(state: state, delay: .zero), successTerminationBehavior: .ignore))
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(shutdownSeconds * 1000))
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
    }
}
