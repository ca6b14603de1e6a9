import FNNImage
import FNNModel
import FNNPrediction
import FNNService
import FNNSupport
import Foundation
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import Synchronization

/// The limits of the HTTP face.
package struct HTTPLimits: Sendable {
    /// The largest PNG body of `POST /v1/predict` (and the largest image in a batch).
    package var maximumFileSize: Int
    /// The largest body of `POST /v1/predict/batch`.
    package var maximumBatchBytes: Int
    /// The most images in one batch request.
    package var maximumBatchImages: Int
    /// Prediction requests handled at once; more get 503 with `Retry-After`.
    package var maximumConcurrentRequests: Int
    /// How long a request may take to arrive and be answered.
    package var requestTimeout: Duration

    package init(
        maximumFileSize: Int, maximumBatchBytes: Int = 256 << 20, maximumBatchImages: Int = 10_000,
        maximumConcurrentRequests: Int = 64, requestTimeout: Duration = .seconds(30)
    ) {
        self.maximumFileSize = maximumFileSize
        self.maximumBatchBytes = maximumBatchBytes
        self.maximumBatchImages = maximumBatchImages
        self.maximumConcurrentRequests = maximumConcurrentRequests
        self.requestTimeout = requestTimeout
    }
}

/// Answers fnn's HTTP endpoints:
/// - `GET /healthz`: 200 while the process is alive and answering (and, for `fnn watch`,
///   its loop turns);
/// - `GET /readyz`: 200 when a model is loaded (and passed its self-test) and no drain has
///   begun, else 503 with a JSON reason;
/// - `GET /metrics`: Prometheus text exposition;
/// - `POST /v1/predict` (`fnn serve` only): one PNG body, `?top_k=K`;
/// - `POST /v1/predict/batch` (`fnn serve` only): JSON Lines of `{"id", "png"}` (base64),
///   answered with one JSON line per image, in order, bad images as error rows.
///
/// Every error is a JSON body `{"error", "error_code"}` with its status: 400 malformed,
/// 404 no such endpoint, 405 wrong method (with `Allow`), 408 too slow, 413 too large,
/// 415 not a PNG, 422 a PNG that cannot be classified (fnn's error code), 503 busy (with
/// `Retry-After`) or not ready.
package struct ClassifierResponder: HTTPResponder {
    package typealias Context = BasicRequestContext

    let state: ServingState
    let limits: HTTPLimits
    let registry: PrometheusCollectorRegistry
    /// Whether the prediction endpoints exist (`fnn serve`) or only the probes and metrics
    /// (`fnn watch --listen`).
    let predicts: Bool
    /// Readiness beyond the model: the watch's folders, for example.
    let extraReadiness: @Sendable () -> String?
    /// Why the process is not alive (its loop stuck), or nil: `/healthz` answers 503 then.
    let liveness: @Sendable () -> String?
    /// Runs before each scrape of `/metrics`: gauges that are read, not kept (backlogs).
    let beforeScrape: @Sendable () -> Void
    private let inFlight = InFlight()
    private let deadlines = BodyDeadlines()

    package init(
        state: ServingState, limits: HTTPLimits, registry: PrometheusCollectorRegistry, predicts: Bool,
        extraReadiness: @escaping @Sendable () -> String? = { nil }, liveness: @escaping @Sendable () -> String? = { nil },
        beforeScrape: @escaping @Sendable () -> Void = {}
    ) {
        self.state = state
        self.limits = limits
        self.registry = registry
        self.predicts = predicts
        self.extraReadiness = extraReadiness
        self.liveness = liveness
        self.beforeScrape = beforeScrape
    }

    private final class InFlight: Sendable {
        let count = Atomic<Int>(0)
    }

    package func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        let endpoint = Self.endpoint(request.uri.path, predicts: predicts)
        let response: Response
        do {
            response = try await route(request, endpoint: endpoint)
        } catch let error as APIError {
            response = error.response
        } catch is NIOTooManyBytesError {
            response = APIError(.contentTooLarge, "too-large", "the body is over the limit (--max-file-size, --max-batch-bytes)").response
        } catch {
            response = APIError(.badRequest, "bad-request", "the request could not be read: \(error)").response
        }
        let labels = [("endpoint", endpoint ?? "unknown"), ("status", String(response.status.code))]
        Counter(label: "fnn_http_requests_total", dimensions: labels).increment()
        if let endpoint {
            Metrics.Timer(label: "fnn_http_request_duration_seconds", dimensions: [("endpoint", endpoint)])
                .recordNanoseconds(Int64((ContinuousClock.now - start).seconds * 1e9))
        }
        return response
    }

    /// The endpoint a path names, for routing and metric labels.
    static func endpoint(_ path: String, predicts: Bool) -> String? {
        switch path {
        case "/healthz", "/readyz", "/metrics": path
        case "/v1/predict", "/v1/predict/batch": predicts ? path : nil
        default: nil
        }
    }

    private func route(_ request: Request, endpoint: String?) async throws -> Response {
        guard let endpoint else {
            throw APIError(.notFound, "not-found", "no endpoint \(request.uri.path)")
        }
        let allowed: HTTPRequest.Method = endpoint.hasPrefix("/v1/") ? .post : .get
        guard request.method == allowed || (allowed == .get && request.method == .head) else {
            var error = APIError(.methodNotAllowed, "method-not-allowed", "\(endpoint) takes \(allowed.rawValue)")
            error.headers[.allow] = allowed == .get ? "GET, HEAD" : "POST"
            throw error
        }
        switch endpoint {
        case "/healthz":
            if let problem = liveness() {
                return Self.json(.serviceUnavailable, .object([("status", .string("stuck")), ("reason", .string(problem))]))
            }
            return Self.json(.ok, .object([("status", .string("alive"))]))
        case "/readyz":
            if let reason = state.notReadyReason ?? extraReadiness() {
                return Self.json(.serviceUnavailable, .object([("status", .string("not-ready")), ("reason", .string(reason))]))
            }
            var members: [(String, JSONValue)] = [("status", .string("ready"))]
            if let served = state.served { members.append(("model_sha256", .string(served.sha256))) }
            return Self.json(.ok, .object(members))
        case "/metrics":
            beforeScrape()
            let text = registry.emitToString() + ProcessMetrics.exposition()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        default:
            return try await admitted { try await predict(request, batch: endpoint == "/v1/predict/batch") }
        }
    }

    /// Runs `work` if fewer than the maximum of prediction requests are in hand, else
    /// answers 503 with `Retry-After`.
    private func admitted(_ work: () async throws -> Response) async throws -> Response {
        let now = inFlight.count.wrappingAdd(1, ordering: .relaxed).newValue
        defer { inFlight.count.wrappingSubtract(1, ordering: .relaxed) }
        guard now <= limits.maximumConcurrentRequests else {
            var error = APIError(
                .serviceUnavailable, "busy", "over \(limits.maximumConcurrentRequests) requests at once; retry shortly")
            error.headers[.retryAfter] = "1"
            throw error
        }
        return try await work()
    }

    private func predict(_ request: Request, batch: Bool) async throws -> Response {
        guard let served = state.served, state.notReadyReason == nil else {
            throw APIError(.serviceUnavailable, "not-ready", state.notReadyReason ?? "no model loaded")
        }
        let topK = try Self.topK(request, classes: served.predictor.model.outputSize)
        let type = request.headers[.contentType].map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces).lowercased() }
        if !batch {
            guard type == nil || type == "image/png" || type == "application/octet-stream" else {
                throw APIError(.unsupportedMediaType, "not-png", "the body must be a PNG (Content-Type: image/png), not \(type ?? "")")
            }
            let body = try await deadlines.collect(request, upTo: limits.maximumFileSize, within: limits.requestTimeout)
            let png = Array(buffer: body)
            guard PNGCodec.hasSignature(png) else {
                throw APIError(.unsupportedMediaType, "not-png", "the body is not a PNG file (no PNG signature)")
            }
            let outcome = served.predictor.predict(pngs: [png])[0]
            switch outcome {
            case .success(let prediction):
                Counter(label: "fnn_serve_images_total", dimensions: [("outcome", "classified")]).increment()
                return Self.json(.ok, .object(Self.members(prediction, topK: topK, served: served)))
            case .failure(let error):
                Self.countFailure(error)
                throw APIError(.unprocessableContent, error.code.rawValue, error.message)
            }
        }
        guard type == nil || ["application/x-ndjson", "application/jsonl", "application/json-lines", "application/json"].contains(type ?? "") else {
            throw APIError(.unsupportedMediaType, "not-json-lines", "a batch is JSON Lines (Content-Type: application/x-ndjson) of {\"id\", \"png\"} objects")
        }
        let body = try await deadlines.collect(request, upTo: limits.maximumBatchBytes, within: limits.requestTimeout)
        let lines = Array(buffer: body).split(separator: 0x0A, omittingEmptySubsequences: true)
        guard lines.count <= limits.maximumBatchImages else {
            throw APIError(.contentTooLarge, "too-many-images", "\(lines.count) images; a batch holds at most \(limits.maximumBatchImages)")
        }
        var ids: [JSONValue] = []
        var pngs: [[UInt8]] = []
        var problems: [Int: (String, String)] = [:]
        for (index, line) in lines.enumerated() {
            guard let object = JSONLine.object(line) else {
                ids.append(.null)
                problems[index] = ("malformed", "line \(index + 1) is not a JSON object")
                pngs.append([])
                continue
            }
            ids.append((object["id"] as? String).map(JSONValue.string) ?? (object["id"] as? Int).map(JSONValue.int) ?? .null)
            guard let text = object["png"] as? String, let data = Data(base64Encoded: text) else {
                problems[index] = ("malformed", "line \(index + 1) has no \"png\" string of base64")
                pngs.append([])
                continue
            }
            guard data.count <= limits.maximumFileSize else {
                problems[index] = ("too-large", "the image is \(data.count) bytes, over the limit of \(limits.maximumFileSize) (--max-file-size)")
                pngs.append([])
                continue
            }
            pngs.append(Array(data))
        }
        let outcomes = served.predictor.predict(pngs: pngs)
        var text = ""
        for (index, outcome) in outcomes.enumerated() {
            var members: [(String, JSONValue)] = [("id", ids[index])]
            if let (code, message) = problems[index] {
                Counter(label: "fnn_serve_images_total", dimensions: [("outcome", "failed")]).increment()
                Counter(label: "fnn_serve_failures_total", dimensions: [("code", code)]).increment()
                members += [("error", .string(message)), ("error_code", .string(code))]
            } else {
                switch outcome {
                case .success(let prediction):
                    Counter(label: "fnn_serve_images_total", dimensions: [("outcome", "classified")]).increment()
                    members += Self.members(prediction, topK: topK, served: served)
                case .failure(let error):
                    Self.countFailure(error)
                    members += [("error", .string(error.message)), ("error_code", .string(error.code.rawValue))]
                }
            }
            text += JSONValue.object(members).serialized() + "\n"
        }
        Recorder(label: "fnn_serve_batch_images").record(outcomes.count)
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func countFailure(_ error: ImageError) {
        Counter(label: "fnn_serve_images_total", dimensions: [("outcome", "failed")]).increment()
        Counter(label: "fnn_serve_failures_total", dimensions: [("code", error.code.rawValue)]).increment()
    }

    /// `top_k` from the query: 1 when absent; from 1 to the number of classes.
    static func topK(_ request: Request, classes: Int) throws -> Int {
        guard let text = request.uri.queryParameters["top_k"] else { return 1 }
        guard let value = Int(text), (1...classes).contains(value) else {
            throw APIError(.badRequest, "bad-top-k", "top_k must be a whole number from 1 to \(classes), not \(text)")
        }
        return value
    }

    static func members(_ prediction: PredictionResult.Prediction, topK: Int, served: ServingState.Served) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("prediction", .string(prediction.label)), ("confidence", .number(prediction.confidence)),
            ("probabilities", .array(prediction.probabilities.map { .number($0) })),
            ("model_sha256", .string(served.sha256)),
        ]
        if topK > 1 {
            let ranked = prediction.probabilities.enumerated()
                .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }.prefix(topK)
            members.append(("top", .array(ranked.map {
                .object([("label", .string(served.predictor.model.metadata.label($0.offset))), ("probability", .number($0.element))])
            })))
        }
        return members
    }

    static func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.serialized() + "\n")))
    }

}

/// An error answered as JSON with its status.
struct APIError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var response: Response {
        ClassifierResponder.json(status, .object([("error", .string(message)), ("error_code", .string(code))]), headers: headers)
    }
}

/// Request bodies being read, each with its deadline, and one sweeper that cancels the
/// reads past theirs every 100 ms. A timer per request (a sleeping task raced against the
/// read) was no good: on Linux a cancelled `Task.sleep` keeps its timer until the deadline,
/// so memory grew by the request rate times the timeout (270 to 345 MiB over 450,000
/// requests, 30 s timeout).
final class BodyDeadlines: Sendable {
    private struct Pending {
        var deadline: ContinuousClock.Instant
        var cancel: @Sendable () -> Void
    }

    private let state = Mutex<(next: UInt64, pending: [UInt64: Pending], sweeping: Bool)>((0, [:], false))

    /// The body of `request`, at most `limit` bytes (413 past it), if it arrives within
    /// `timeout` (408 past it: a client sending too slowly).
    func collect(_ request: Request, upTo limit: Int, within timeout: Duration) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError(.contentTooLarge, "too-large", "the body is \(length) bytes, over the limit of \(limit)")
        }
        let deadline = ContinuousClock.now + timeout
        let read = Task {
            var request = request
            return try await request.collectBody(upTo: limit)
        }
        let id = register(Pending(deadline: deadline, cancel: { read.cancel() }))
        defer { remove(id) }
        let late = APIError(.requestTimeout, "timeout", "the request did not arrive within \(timeout)")
        do {
            let body = try await withTaskCancellationHandler { try await read.value } onCancel: { read.cancel() }
            // A read cut short by the sweeper may end early rather than throw.
            guard ContinuousClock.now < deadline else { throw late }
            return body
        } catch let error where !(error is APIError) && ContinuousClock.now >= deadline {
            throw late
        }
    }

    private func register(_ pending: Pending) -> UInt64 {
        let (id, start) = state.withLock { state -> (UInt64, Bool) in
            state.next &+= 1
            state.pending[state.next] = pending
            defer { state.sweeping = true }
            return (state.next, !state.sweeping)
        }
        if start { Task { await sweep() } }
        return id
    }

    private func remove(_ id: UInt64) {
        _ = state.withLock { $0.pending.removeValue(forKey: id) }
    }

    /// Cancels the reads past their deadline, every 100 ms, until none is pending.
    private func sweep() async {
        while true {
            try? await Task.sleep(for: .milliseconds(100))
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state -> ([Pending], Bool) in
                let expired = state.pending.filter { $0.value.deadline <= now }
                for id in expired.keys { state.pending.removeValue(forKey: id) }
                if state.pending.isEmpty { state.sweeping = false }
                return (Array(expired.values), state.pending.isEmpty)
            }
            for pending in expired { pending.cancel() }
            if done { return }
        }
    }
}
