import FNNKit
import FNNTestSupport
import Foundation
import Synchronization
import Testing

/// `fnn serve` as a real process on a loopback port, spoken to over HTTP.
@Suite struct ServeCommandTests {
    /// The sample MNIST digits, with their labels.
    static let digits: [(label: String, png: [UInt8])] = (0..<10).flatMap { label in
        Fixtures.files(in: Fixtures.samples + "/digits/mnist/\(label)", withExtension: "png").prefix(2).compactMap { name in
            (try? Fixtures.bytes(Fixtures.samples + "/digits/mnist/\(label)/\(name)")).map { (String(label), $0) }
        }
    }

    /// A 28 × 28 PNG with no ink.
    static let blank: [UInt8] = (try? PNGCodec.encode(GrayImage(width: 28, height: 28, pixels: [UInt8](repeating: 0, count: 784)))) ?? []

    @Test func everyEndpointAndEveryErrorStatus() throws {
        let server = try ServingFNN(["serve", "--max-file-size", "4096"])
        let http = try server.connect()
        // Probes, on one keep-alive connection.
        let health = try http.request("GET", "/healthz")
        #expect(health.status == 200 && health.json?["status"] as? String == "alive")
        let ready = try http.request("GET", "/readyz")
        #expect(ready.status == 200)
        let sha = try #require(ready.json?["model_sha256"] as? String)
        #expect(sha.count == 64)
        // One image at a time: every sample digit right, with the model's digest.
        for (label, png) in Self.digits {
            let reply = try http.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: png)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.json?["prediction"] as? String == label)
            #expect((reply.json?["probabilities"] as? [Double])?.count == 10)
            #expect(reply.json?["model_sha256"] as? String == sha)
            #expect(reply.headers["content-type"] == "application/json")
        }
        let top = try http.request("POST", "/v1/predict?top_k=3", headers: ["Content-Type": "image/png"], body: Self.digits[0].png)
        #expect((top.json?["top"] as? [[String: Any]])?.count == 3)
        // Errors, each JSON with its code.
        func expectError(_ reply: HTTPReply, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
            #expect(reply.json?["error_code"] as? String == code, "\(reply.text)", sourceLocation: sourceLocation)
            #expect(reply.json?["error"] is String, sourceLocation: sourceLocation)
        }
        expectError(try http.request("POST", "/v1/predict?top_k=11", headers: ["Content-Type": "image/png"], body: Self.digits[0].png), 400, "bad-top-k")
        expectError(try http.request("GET", "/v2/nothing"), 404, "not-found")
        let wrongMethod = try http.request("GET", "/v1/predict")
        expectError(wrongMethod, 405, "method-not-allowed")
        #expect(wrongMethod.headers["allow"] == "POST")
        expectError(try http.request("POST", "/v1/predict", headers: ["Content-Type": "text/plain"], body: Array("hello".utf8)), 415, "not-png")
        expectError(try http.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: Array("GIF89a".utf8)), 415, "not-png")
        expectError(try http.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: Self.blank), 422, "no-ink")
        var damaged = Self.digits[1].png
        damaged.removeLast(30)
        let truncated = try http.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: damaged)
        #expect(truncated.status == 422, "\(truncated.text)")
        let big = try http.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: [UInt8](repeating: 0x89, count: 5000))
        expectError(big, 413, "too-large")
        // Batch: one row per image, in order, bad ones as error rows.
        var lines = Self.digits.prefix(5).enumerated().map { index, digit in
            "{\"id\":\"d\(index)\",\"png\":\"\(Data(digit.png).base64EncodedString())\"}"
        }
        lines.insert("{\"id\":\"blank\",\"png\":\"\(Data(Self.blank).base64EncodedString())\"}", at: 2)
        lines.insert("not json", at: 4)
        let batch = try http.request("POST", "/v1/predict/batch", headers: ["Content-Type": "application/x-ndjson"], body: Array(lines.joined(separator: "\n").utf8))
        #expect(batch.status == 200, "\(batch.text)")
        let rows = batch.text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(rows.count == 7)
        #expect(rows.map { $0["id"] as? String } == ["d0", "d1", "blank", "d2", nil, "d3", "d4"])
        #expect(rows[2]["error_code"] as? String == "no-ink")
        #expect(rows[4]["error_code"] as? String == "malformed")
        #expect(rows[0]["prediction"] as? String == Self.digits[0].label)
        // Metrics: the exposition format, with what was done counted.
        let metrics = try http.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let samples = try PrometheusText.parse(metrics.text)
        #expect(samples["fnn_serve_images_total{outcome=\"classified\"}"] == Double(Self.digits.count + 1 + 5))
        #expect(samples["fnn_serve_failures_total{code=\"no-ink\"}"] == 2)
        #expect(samples["fnn_model_info{sha256=\"\(sha)\",path=\"bundled\"}"] == 1)
        #expect(samples["fnn_http_requests_total{endpoint=\"/v1/predict\",status=\"415\"}"] == 2)
        #expect((samples["process_cpu_seconds_total"] ?? 0) > 0)
        #expect((samples["process_resident_memory_bytes"] ?? 0) > 1_000_000)
        #expect(samples.keys.contains { $0.hasPrefix("fnn_http_request_duration_seconds_bucket{endpoint=\"/v1/predict\",le=\"0.001\"}") })
        // A request that is not HTTP at all: 400, and no crash.
        let garbage = try server.connect()
        try garbage.send(Array("\u{1}\u{2}NOT HTTP AT ALL\r\n\r\n".utf8))
        #expect(try garbage.reply().status == 400)
        #expect(try http.request("GET", "/healthz").status == 200)
    }

    @Test func slowBodiesTimeOutAndTheCapAnswers503() throws {
        let server = try ServingFNN(["serve", "--request-timeout", "1", "--max-concurrent", "1"])
        // One request holds the only slot: its body is slow to come.
        let slow = try server.connect()
        try slow.send(LoopbackConnection.head("POST", "/v1/predict", headers: ["Content-Type": "image/png"], bodyLength: 1000) + Array(Self.digits[0].png.prefix(10)))
        usleep(200_000)
        let other = try server.connect()
        let busy = try other.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: Self.digits[0].png)
        #expect(busy.status == 503, "\(busy.text)")
        #expect(busy.headers["retry-after"] == "1")
        #expect(busy.json?["error_code"] as? String == "busy")
        // Probes are never refused by the cap.
        #expect(try other.request("GET", "/healthz").status == 200)
        let timedOut = try slow.reply()
        #expect(timedOut.status == 408, "\(timedOut.text)")
        #expect(timedOut.json?["error_code"] as? String == "timeout")
        // The slot is free again.
        #expect(try other.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: Self.digits[0].png).status == 200)
    }

    @Test func sigtermDrainsRequestsInHand() throws {
        let server = try ServingFNN(["serve", "--drain-seconds", "1.5"])
        let probe = try server.connect()
        #expect(try probe.request("GET", "/readyz").status == 200)
        // A request in hand when SIGTERM comes: half its body sent.
        let png = Self.digits[3].png
        let inHand = try server.connect()
        try inHand.send(LoopbackConnection.head("POST", "/v1/predict", headers: ["Content-Type": "image/png"], bodyLength: png.count) + Array(png.prefix(png.count / 2)))
        usleep(100_000)
        kill(server.process.process.processIdentifier, SIGTERM)
        // Readiness fails at once, while the listener is still open.
        let deadline = Date().addingTimeInterval(5)
        var draining = try probe.request("GET", "/readyz")
        while draining.status == 200, Date() < deadline {
            usleep(20_000)
            draining = try probe.request("GET", "/readyz")
        }
        #expect(draining.status == 503)
        #expect((draining.json?["reason"] as? String)?.contains("draining") == true)
        try inHand.send(Array(png.suffix(from: png.count / 2)))
        let answered = try inHand.reply()
        #expect(answered.status == 200, "\(answered.text)")
        #expect(answered.json?["prediction"] as? String == Self.digits[3].label)
        #expect(server.process.finish(seconds: 30) == 0)
        #expect(server.process.standardError.contains("stopped"))
    }

    @Test func aModelSwapUnderLoadFailsNoRequest() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bundled = try BundledModel.load()
        let first = try ModelFile.encode(try bundled.converted(to: .f32))
        let second = try ModelFile.encode(bundled)
        let path = folder + "/model.fnn"
        try Data(first).write(to: URL(fileURLWithPath: path))
        // A synchronous test, so that it is never suspended for long between steps when the
        // whole suite loads the machine; and a new connection for every probe, so that no
        // keep-alive connection idles past the server's idle timeout meanwhile.
        let server = try ServingFNN(["serve", "--model", path])
                let before = try #require(try server.connect().request("GET", "/readyz").json?["model_sha256"] as? String)
        #expect(before == SHA256Digest.hexDigest(first))
        // Requests without pause on two connections while the model is swapped.
        let port = server.port
        let png = Self.digits[5].png
        let stop = StopFlag()
        // Plain threads, not tasks: a blocking loop on the cooperative pool would starve
        // the test itself.
        let results = Mutex<[(sent: Int, failed: Int)]>([])
        let label = Self.digits[5].label
        for _ in 0..<2 {
            Thread.detachNewThread {
                var sent = 0
                var failed = 0
                if let http = try? LoopbackConnection(port: port) {
                    while !stop.isRaised {
                        let reply = try? http.request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: png)
                        sent += 1
                        if reply?.status != 200 || reply?.json?["prediction"] as? String != label { failed += 1 }
                    }
                } else {
                    failed = 1
                }
                results.withLock { $0.append((sent, failed)) }
            }
        }
        usleep(300000)
        try Data(second).write(to: URL(fileURLWithPath: folder + "/.incoming.fnn"))
        #expect(rename(folder + "/.incoming.fnn", path) == 0)
        let after = SHA256Digest.hexDigest(second)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try server.connect().request("GET", "/readyz").json?["model_sha256"] as? String != after {
            usleep(20000)
        }
        #expect(try server.connect().request("GET", "/readyz").json?["model_sha256"] as? String == after)
        // A damaged replacement is refused: the model in service stays.
        try Data(second.prefix(second.count / 2)).write(to: URL(fileURLWithPath: folder + "/.incoming.fnn"))
        #expect(rename(folder + "/.incoming.fnn", path) == 0)
        #expect(server.process.wait(for: "refused the new model", seconds: 20))
        usleep(300000)
        stop.raise()
        while results.withLock({ $0.count }) < 2 { usleep(10000) }
        let sent = results.withLock { $0.reduce(0) { $0 + $1.sent } }
        let failed = results.withLock { $0.reduce(0) { $0 + $1.failed } }
        #expect(failed == 0, "\(failed) of \(sent) requests failed during the swap")
        #expect(sent > 20)
        let metrics = try PrometheusText.parse(try server.connect().request("GET", "/metrics").text)
        #expect(metrics["fnn_model_reloads_total{result=\"accepted\"}"] == 1)
        #expect(metrics["fnn_model_reloads_total{result=\"refused\"}"] == 1)
        #expect(metrics["fnn_model_info{sha256=\"\(after)\",path=\"\(path)\"}"] == 1)
        #expect(metrics["fnn_model_info{sha256=\"\(before)\",path=\"\(path)\"}"] == 0)
        #expect(try server.connect().request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: png).json?["model_sha256"] as? String == after)
    }

    @Test func badSettingsAreUsageErrors() throws {
        for arguments in [["--listen", "localhost"], ["--listen", "::1:80"], ["--listen", "1.2.3.4:70000"], ["--max-concurrent", "0"], ["--request-timeout", "0"]] {
            let run = try RunFNN.run(["serve"] + arguments)
            #expect(run.status == 64, "\(arguments): \(run.standardError)")
        }
        let missing = try RunFNN.run(["serve", "--model", "/nonexistent.fnn", "--listen", "127.0.0.1:0"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("/nonexistent.fnn: no such file"))
    }

    /// The samples of a Prometheus text exposition, by series (`name{labels}`), checking
    /// every line's syntax on the way.
}
