#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FNNSupport
import Prometheus

/// The process's own metrics in Prometheus's standard names (`process_*`), read from
/// `/proc/self` on Linux at each scrape.
package enum ProcessMetrics {
    /// The exposition text of the process metrics: CPU seconds, resident and virtual
    /// memory, open file descriptors and their limit, and the start time.
    package static func exposition() -> String {
        var lines: [String] = []
        func gauge(_ name: String, _ help: String, _ value: Double?, type: String = "gauge") {
            guard let value, value.isFinite else { return }
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(value)")
        }
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", cpu, type: "counter")
        #if os(Linux)
        let status = (try? FileBytes.read("/proc/self/status", limit: 1 << 16)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        func kilobytes(_ field: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }.map { $0 * 1024 }
        }
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", kilobytes("VmRSS"))
        gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", kilobytes("VmSize"))
        gauge("process_open_fds", "Number of open file descriptors.", openDescriptors().map(Double.init))
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            gauge("process_max_fds", "Maximum number of open file descriptors.", Double(limit.rlim_cur))
        }
        #endif
        gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", startTime)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The number of entries in `/proc/self/fd` (less the one the count itself opens).
    static func openDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let dot = withUnsafeBytes(of: entry.pointee.d_name) { $0.first == UInt8(ascii: ".") }
            if !dot { count += 1 }
        }
        return max(0, count - 1)
    }

    /// When the process started: from `/proc/self/stat` (its start in clock ticks after
    /// boot) and `/proc/stat` (the boot time) on Linux, else the first time it is asked for.
    package static let startTime: Double = {
        #if os(Linux)
        if let stat = try? FileBytes.read("/proc/self/stat", limit: 1 << 12),
            let system = try? FileBytes.read("/proc/stat", limit: 1 << 20),
            let close = stat.lastIndex(of: UInt8(ascii: ")")),
            // Fields after the command name: state is field 3, starttime field 22.
            case let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " ")), fields.count > 19,
            let ticks = Double(String(decoding: fields[19], as: UTF8.self)),
            let bootLine = String(decoding: system, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(bootLine.dropFirst(6).filter { $0 != " " })
        {
            let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
            if hertz > 0 { return boot + ticks / hertz }
        }
        #endif
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }()
}

/// The Prometheus backend of swift-metrics, with latency buckets fit for a classifier
/// that answers in well under a millisecond (from 100 µs to 10 s).
package enum HTTPMetrics {
    package static func factory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000), .seconds(5), .seconds(10),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10_000]
        return factory
    }
}
