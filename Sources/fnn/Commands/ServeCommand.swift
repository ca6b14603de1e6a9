import ArgumentParser
import FNNKit
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `fnn serve`: the classifier over HTTP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Classify PNG digits sent over HTTP: a stateless classifier with probes and metrics.",
        discussion: """
            POST /v1/predict with a PNG body (Content-Type: image/png) answers \
            {"prediction","confidence","probabilities","model_sha256"}; ?top_k=K adds the \
            K most likely classes. POST /v1/predict/batch with JSON Lines of \
            {"id","png"} (the PNG in base64; Content-Type: application/x-ndjson) answers \
            one JSON line per image, in order, with {"id","error","error_code"} for a bad \
            one. GET /healthz is 200 while the process answers; GET /readyz is 200 once \
            the model has passed its self-test and 503 from the moment SIGTERM starts a \
            drain; GET /metrics is Prometheus's text format.

            Errors are JSON {"error","error_code"}: 400 malformed, 404 and 405, 408 a \
            body too slow to arrive, 413 over --max-file-size, 415 not a PNG, 422 a PNG \
            that cannot be classified (fnn's error code), 503 over --max-concurrent \
            requests (with Retry-After). SIGTERM or SIGINT: readiness fails, \
            --drain-seconds later the listener closes, requests in hand are answered, \
            and fnn exits 0.

            Examples:
              fnn serve --listen 127.0.0.1:8080
              curl --data-binary @digit.png -H 'Content-Type: image/png' http://127.0.0.1:8080/v1/predict
              fnn serve --model model.fnn --listen 0.0.0.0:8080 --drain-seconds 5
            """
    )

    @Option(help: ArgumentHelp("The model (.fnn, or network2.py .json); the bundled model when left out.", valueName: "file"), completion: .file(extensions: ["fnn", "json"]))
    var model: String?

    @Option(help: ArgumentHelp("Where to listen: HOST:PORT ([::1]:PORT for IPv6; port 0 picks a free one).", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"

    @Option(name: .customLong("max-concurrent"), help: ArgumentHelp("Prediction requests handled at once; more are answered 503 with Retry-After.", valueName: "n"))
    var maxConcurrent: Int = 64

    @Option(name: .customLong("max-batch-images"), help: ArgumentHelp("The most images in one batch request.", valueName: "n"))
    var maxBatchImages: Int = 10_000

    @Option(name: .customLong("max-batch-bytes"), help: ArgumentHelp("The largest batch request body.", valueName: "bytes"))
    var maxBatchBytes: Int = 256 << 20

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("How long a request's body may take to arrive (408 past it).", valueName: "s"))
    var requestTimeout: Double = 30

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("How long an idle keep-alive connection is kept.", valueName: "s"))
    var idleTimeout: Double = 60

    @Option(name: .customLong("drain-seconds"), help: ArgumentHelp("On SIGTERM, how long /readyz fails before the listener closes (give load balancers time to notice).", valueName: "s"))
    var drainSeconds: Double = 0

    @OptionGroup var images: ImageOptions

    @OptionGroup var log: LogOptions

    func validate() throws {
        do { _ = try ListenAddress(parsing: listen) } catch { throw ValidationError("--listen \(error)") }
        guard maxConcurrent >= 1, maxBatchImages >= 1, maxBatchBytes >= 1 else {
            throw ValidationError("--max-concurrent, --max-batch-images and --max-batch-bytes must be at least 1.")
        }
        for (name, value) in [("--request-timeout", requestTimeout), ("--idle-timeout", idleTimeout)] where !(value > 0 && value.isFinite) {
            throw ValidationError("\(name) must be a positive number of seconds.")
        }
        guard drainSeconds >= 0, drainSeconds.isFinite else { throw ValidationError("--drain-seconds must be 0 or more.") }
    }

    func run() async throws {
        BLAS.useSingleThread()
        log.bootstrap()
        let logger = Logger(label: "fnn.serve")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(HTTPMetrics.factory(registry))
        let address = try ListenAddress(parsing: listen)

        let loaded = try ModelLoader.loadFile(model)
        if let problem = ModelSelfTest.problem(with: loaded.model) {
            throw CLIError("\(loaded.name): self-test failed: \(problem)")
        }
        let state = ServingState(ServingState.Served(
            predictor: BatchPredictor(model: loaded.model, limits: images.limits, threads: images.threadCount),
            path: model, sha256: loaded.sha256, loadedAt: Date().timeIntervalSince1970))
        let responder = ClassifierResponder(
            state: state,
            limits: HTTPLimits(
                maximumFileSize: images.maxFileSize, maximumBatchBytes: maxBatchBytes, maximumBatchImages: maxBatchImages,
                maximumConcurrentRequests: maxConcurrent, requestTimeout: .milliseconds(Int64(requestTimeout * 1000))),
            registry: registry, predicts: true)
        let server = HTTPServer.service(
            responder, listen: address, idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), logger: logger
        ) { bound in
            logger.info("listening", metadata: ["address": "http://\(bound)", "model_sha256": "\(loaded.sha256.prefix(16))"])
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server)]
        if let model {
            // Replacing the model file: checked and self-tested, exactly as fnn watch does.
            let limits = images.limits
            let threads = images.threadCount
            services.append(.init(
                service: ModelReloadService(
                    path: model, current: { state.served?.sha256 ?? "" },
                    install: { next in
                        state.replace(with: ServingState.Served(
                            predictor: BatchPredictor(model: next.model, limits: limits, threads: threads), path: model,
                            sha256: next.digest, loadedAt: Date().timeIntervalSince1970))
                    }, logger: logger),
                successTerminationBehavior: .ignore))
        }
        // Shut down in reverse order: the drain marker first, then the rest.
        services.append(.init(
            service: DrainOnShutdown(state: state, delay: .milliseconds(Int64(drainSeconds * 1000))), successTerminationBehavior: .ignore))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
