// swhost: built-in Swift handlers.

import SWHostKit

/// `swift_handler status;`: nginx's `stub_status` page, byte for byte in its format, so existing
/// scrapers (the Prometheus nginx exporter, collectd, Datadog) read it unchanged:
/// ```
/// Active connections: 2 
/// server accepts handled requests
///  10 10 31 
/// Reading: 0 Writing: 1 Waiting: 1 
/// ```
/// The counters are those of the worker process that answers. Without a counter source (a host
/// that did not set one) it answers 503.
public struct StatusHandler: SwiftHandler {
    let status: ServerStatus

    /// A status page reading `status`.
    public init(status: ServerStatus = .shared) {
        self.status = status
    }

    /// The page text for `c`, in nginx's `ngx_http_stub_status_module` format (trailing spaces included).
    public static func render(_ c: ServerStatus.Connections) -> String {
        "Active connections: \(c.active) \nserver accepts handled requests\n \(c.accepts) \(c.handled) \(c.requests) \nReading: \(c.reading) Writing: \(c.writing) Waiting: \(c.waiting) \n"
    }

    /// Answers the stub_status page.
    public func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        guard let connections = status.connections else {
            request.logger.error("swift_handler \"status\": this swhost has no connection counters")
            return .text("connection counters are not available\n", status: 503)
        }
        var response = HandlerResponse.text(Self.render(connections))
        response.headers.add(name: "Cache-Control", value: "no-cache")
        return response
    }
}
