import FNNService
import FNNSupport
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A listening address, `HOST:PORT`: `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:9090`, or
/// `:8080` and `8080` for 127.0.0.1. Port 0 asks the system for a free one.
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(parsing text: String) throws(ListenAddressError) {
        var hostPart: Substring
        var portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw ListenAddressError("\(text) is not [IPv6]:PORT")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else { throw ListenAddressError("\(text): write an IPv6 address in brackets, [::1]:8080") }
        } else {
            hostPart = ""
            portPart = Substring(text)
        }
        guard let port = Int(portPart), (0...65_535).contains(port) else {
            throw ListenAddressError("\(text): the port must be a number from 0 to 65535")
        }
        if hostPart.isEmpty { hostPart = "127.0.0.1" }
        self.host = String(hostPart)
        self.port = port
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

package struct ListenAddressError: Error, Sendable, CustomStringConvertible {
    package var message: String
    init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// The HTTP server of `fnn serve` and `fnn watch --listen`: Hummingbird over HTTP/1.1
/// with keep-alive, an idle timeout, and `responder` for every request.
package enum HTTPServer {
    /// The server as a service for a `ServiceGroup`.
    ///
    /// - Parameter onListening: called with the address bound (the real port when 0 was asked).
    package static func service(
        _ responder: ClassifierResponder, listen: ListenAddress, idleTimeout: Duration, logger: Logger,
        onListening: @escaping @Sendable (ListenAddress) -> Void
    ) -> some Service {
        // The process's start time is taken now, not at the first scrape.
        _ = ProcessMetrics.startTime
        return Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(idleTimeout.seconds * 1e9)))),
            configuration: ApplicationConfiguration(address: .hostname(listen.host, port: listen.port), serverName: "fnn"),
            onServerRunning: { channel in
                var bound = listen
                if let port = channel.localAddress?.port { bound.port = port }
                onListening(bound)
            },
            logger: logger)
    }
}

/// Marks the server not ready as soon as a graceful shutdown begins, and waits
/// `delay` before letting the listener close, so that load balancers see `/readyz` fail
/// and stop sending before connections are refused.
package struct DrainOnShutdown: Service {
    let state: ServingState
    let delay: Duration

    package init(state: ServingState, delay: Duration) {
        self.state = state
        self.delay = delay
    }

    package func run() async throws {
        try? await gracefulShutdown()
        state.beginDrain()
        if delay > .zero { try? await Task.sleep(for: delay) }
    }
}
