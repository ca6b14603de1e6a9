#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One HTTP/1.1 response, as read off the socket.
package struct HTTPReply: Sendable {
    package var status: Int
    /// Header names in lower case.
    package var headers: [String: String]
    package var body: [UInt8]
    package var text: String { String(decoding: body, as: UTF8.self) }
    /// The body as a JSON object, if it is one.
    package var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
}

package struct LoopbackError: Error, CustomStringConvertible {
    package var description: String
    package init(description: String) { self.description = description }
}

/// A plain TCP connection to a server on 127.0.0.1, speaking just enough HTTP/1.1 to test
/// it: requests on a keep-alive connection, and raw bytes for malformed or slow ones.
package final class LoopbackConnection {
    private let descriptor: Int32
    private var pending: [UInt8] = []

    package init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackError(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw LoopbackError(description: "connect to port \(port): errno \(errno)")
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    /// Sends raw bytes.
    package func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw LoopbackError(description: "send: errno \(errno)") }
            sent += count
        }
    }

    /// The head of a request with `Content-Length` for `bodyLength`.
    package static func head(_ method: String, _ path: String, headers: [String: String] = [:], bodyLength: Int) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if bodyLength > 0 || method == "POST" { text += "Content-Length: \(bodyLength)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// Sends a whole request and reads its response.
    package func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> HTTPReply {
        try send(Self.head(method, path, headers: headers, bodyLength: body.count) + body)
        return try reply(method: method)
    }

    /// Reads one response (its body by `Content-Length` or chunked).
    package func reply(method: String = "GET") throws -> HTTPReply {
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let head = String(decoding: pending[..<headEnd], as: UTF8.self)
        pending.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw LoopbackError(description: "bad status line: \(head)") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        if method == "HEAD" {
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            try fill(length)
            body = Array(pending.prefix(length))
            pending.removeFirst(length)
        } else if headers["transfer-encoding"]?.lowercased() == "chunked" {
            while true {
                let end = try readUntil(Array("\r\n".utf8))
                let size = Int(String(decoding: pending[..<end], as: UTF8.self), radix: 16) ?? 0
                pending.removeFirst(end + 2)
                try fill(size + 2)
                body += pending.prefix(size)
                pending.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    /// Whether the server closed the connection (reads nothing more within `seconds`).
    package func isClosed(seconds: Double) -> Bool {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: .init((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) == 0
    }

    private func readMore() throws {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw LoopbackError(description: count == 0 ? "connection closed" : "recv: errno \(errno)") }
        pending += buffer[0..<count]
    }

    private func fill(_ count: Int) throws {
        while pending.count < count { try readMore() }
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if pending.count >= marker.count {
                for start in 0...(pending.count - marker.count) where pending[start..<(start + marker.count)].elementsEqual(marker) {
                    return start
                }
            }
            try readMore()
        }
    }
}

/// `fnn serve` (or `fnn watch --listen`) started on a free loopback port.
package final class ServingFNN {
    package let process: RunningFNN
    package let port: Int

    package init(_ arguments: [String]) throws {
        process = try RunningFNN(arguments + ["--listen", "127.0.0.1:0"])
        guard process.wait(for: "listening address=http://127.0.0.1:", seconds: 60),
            let line = process.standardError.components(separatedBy: "\n").first(where: { $0.contains("listening address=http://127.0.0.1:") }),
            let digits = line.components(separatedBy: "http://127.0.0.1:").last?.prefix(while: \.isNumber),
            let port = Int(digits)
        else {
            kill(process.process.processIdentifier, SIGKILL)
            throw LoopbackError(description: "the server did not start: \(process.standardError)")
        }
        self.port = port
    }

    deinit {
        if process.process.isRunning { kill(process.process.processIdentifier, SIGKILL) }
    }

    package func connect() throws -> LoopbackConnection { try LoopbackConnection(port: port) }
}

/// Prometheus's text exposition format, parsed strictly enough to catch a malformed line.
package enum PrometheusText {
    /// The samples of `text`, by series (`name{label="value",...}`). Throws on a line
    /// that is neither a `# HELP`/`# TYPE` comment nor a well-formed sample.
    package static func parse(_ text: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw LoopbackError(description: "bad TYPE line: \(line)")
                }
                continue
            }
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw LoopbackError(description: "not a sample line: \(line)")
            }
            let series = String(line[..<space])
            let name = series.prefix { $0 != "{" }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }), name.first?.isNumber == false,
                series == name || (series.hasSuffix("}") && series.contains("=\""))
            else { throw LoopbackError(description: "bad series: \(series)") }
            samples[series] = value
        }
        return samples
    }
}
