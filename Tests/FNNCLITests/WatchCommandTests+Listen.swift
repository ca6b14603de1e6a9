import FNNKit
import FNNTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `fnn watch --listen`: the probes and the metrics of the hot folder, from a real
/// process on a loopback port.
extension WatchCommandTests {
    @Test func listenServesProbesAndMetricsOfTheFolder() throws {
        let root = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try ServingFNN(["watch", root])
        #expect(server.process.wait(for: "serving", seconds: 60))
        let ready = try server.connect().request("GET", "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        #expect((ready.json?["model_sha256"] as? String)?.count == 64)
        #expect(try server.connect().request("GET", "/healthz").status == 200)
        // Before any file: the counters are there at zero.
        let empty = try PrometheusText.parse(try server.connect().request("GET", "/metrics").text)
        #expect(empty["fnn_watch_files_total{outcome=\"done\"}"] == 0)
        #expect(empty["fnn_model_reloads_total{result=\"refused\"}"] == 0)
        // The watch classifies; it takes no prediction requests.
        let predict = try server.connect().request("POST", "/v1/predict", headers: ["Content-Type": "image/png"], body: Self.digits[0].1)
        #expect(predict.status == 404)

        let expected = try Self.drop(7, into: root)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: root + "/incoming/.bad.png"))
        rename(root + "/incoming/.bad.png", root + "/incoming/bad.png")
        #expect(Self.waitUntil(seconds: 60) { Self.names(root + "/done").count == expected.count && Self.names(root + "/failed").count == 1 })
        let reply = try server.connect().request("GET", "/metrics")
        #expect(reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let metrics = try PrometheusText.parse(reply.text)
        #expect(metrics["fnn_watch_files_total{outcome=\"done\"}"] == 7)
        #expect(metrics["fnn_watch_files_total{outcome=\"failed\"}"] == 1)
        #expect(metrics["fnn_watch_failures_total{code=\"not-png\"}"] == 1)
        #expect(metrics["fnn_watch_result_latency_seconds_count"] == 8)
        #expect((metrics["fnn_watch_result_latency_seconds_sum"] ?? 0) > 0)
        #expect(metrics["fnn_watch_result_latency_seconds_bucket{le=\"+Inf\"}"] == 8)
        #expect(metrics["fnn_watch_batch_files_sum"] == 8)
        #expect(metrics["fnn_watch_backlog_files{folder=\"incoming\"}"] == 0)
        #expect(metrics["fnn_watch_backlog_files{folder=\"processing\"}"] == 0)
        #expect(metrics["fnn_model_info{sha256=\"\(ready.json?["model_sha256"] as? String ?? "")\",path=\"bundled\"}"] == 1)
        #expect((metrics["fnn_model_load_timestamp_seconds"] ?? 0) > 1.7e9)
        #expect((metrics["process_resident_memory_bytes"] ?? 0) > 1e6)
        #expect((metrics["process_start_time_seconds"] ?? .infinity) <= (metrics["fnn_model_load_timestamp_seconds"] ?? 0))

        // A backlog shows while the process is frozen; readiness fails while a folder is gone.
        server.process.pause()
        _ = try Self.drop(3, into: root, prefix: "late")
        #expect(rename(root + "/done", root + "/done-away") == 0)
        server.process.resume()
        let notReady = try server.connect().request("GET", "/readyz")
        #expect(notReady.status == 503)
        #expect((notReady.json?["reason"] as? String)?.contains("done") == true, "\(notReady.text)")
        let backlog = try PrometheusText.parse(try server.connect().request("GET", "/metrics").text)
        #expect((backlog["fnn_watch_backlog_files{folder=\"incoming\"}"] ?? 0) + (backlog["fnn_watch_backlog_files{folder=\"processing\"}"] ?? 0) >= 1)
        #expect(rename(root + "/done-away", root + "/done") == 0)
        #expect(Self.waitUntil(seconds: 30) { (try? server.connect().request("GET", "/readyz").status) == 200 })

        // SIGTERM: readiness stops saying yes, and the process exits 0.
        kill(server.process.process.processIdentifier, SIGTERM)
        #expect(Self.waitUntil(seconds: 10) { (try? server.connect().request("GET", "/readyz").status) != 200 })
        #expect(server.process.finish(seconds: 30) == 0)
        #expect(server.process.standardError.contains("stopped"))
    }

    @Test func aBadListenAddressIsAUsageError() throws {
        let result = try RunFNN.run(["watch", "/tmp/unused-\(getpid())", "--listen", "localhost:99999"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("--listen"))
    }
}
