// swhost: built-in Swift handlers.

import SWHostKit

/// `swift_handler status [format=text|json] [vhosts=on|off];`: nginx's `stub_status` page, byte
/// for byte in its first four lines, so existing scrapers (the Prometheus nginx exporter,
/// collectd, Datadog) read it unchanged, followed by one line per virtual server:
/// ```
/// Active connections: 2 
/// server accepts handled requests
///  10 10 31 
/// Reading: 0 Writing: 1 Waiting: 1 
/// vhost example.com requests 25 1xx 0 2xx 20 3xx 3 4xx 2 5xx 0 bytes_out 48210
/// vhost _ requests 5 1xx 0 2xx 5 3xx 0 4xx 0 5xx 0 bytes_out 1170
/// ```
/// The counters are the whole server's (every worker process, through the memory the master
/// shares), and survive reloads as nginx's do. An unnamed server is shown as `_`. `vhosts=off`
/// leaves only the four stub_status lines; `format=json` (or `?format=json` on the request)
/// answers the same numbers as JSON. Without a counter source (a host that did not set one) it
/// answers 503.
public struct StatusHandler: SwiftHandler {
    /// The page's format.
    public enum Format: String, Sendable {
        case text
        case json
    }

    let status: ServerStatus
    let format: Format
    let showVirtualHosts: Bool

    /// A status page reading `status`.
    public init(status: ServerStatus = .shared, format: Format = .text, showVirtualHosts: Bool = true) {
        self.status = status
        self.format = format
        self.showVirtualHosts = showVirtualHosts
    }

    /// Validates the parameters: `format` (`text`, `json`) and `vhosts` (`on`, `off`).
    public static func make(_ parameters: HandlerParameters, status: ServerStatus = .shared) throws(HandlerConfigError) -> any SwiftHandler {
        try parameters.allowOnly(["format", "vhosts"], handler: "status")
        var format = Format.text
        if let text = parameters["format"] {
            guard let parsed = Format(rawValue: text) else {
                throw HandlerConfigError("invalid \"format\" value \"\(text)\" in swift_handler \"status\" (text or json)")
            }
            format = parsed
        }
        var vhosts = true
        if let text = parameters["vhosts"] {
            guard text == "on" || text == "off" else {
                throw HandlerConfigError("invalid \"vhosts\" value \"\(text)\" in swift_handler \"status\" (on or off)")
            }
            vhosts = text == "on"
        }
        return StatusHandler(status: status, format: format, showVirtualHosts: vhosts)
    }

    /// The page text for `c`, in nginx's `ngx_http_stub_status_module` format (trailing spaces included).
    public static func render(_ c: ServerStatus.Connections) -> String {
        "Active connections: \(c.active) \nserver accepts handled requests\n \(c.accepts) \(c.handled) \(c.requests) \nReading: \(c.reading) Writing: \(c.writing) Waiting: \(c.waiting) \n"
    }

    /// The per-server lines that follow the stub_status lines.
    public static func render(_ hosts: [ServerStatus.VirtualHost]) -> String {
        var out = ""
        for host in hosts {
            let c = host.statusClasses
            out += "vhost \(host.name.isEmpty ? "_" : host.name) requests \(host.requests)"
            out += " 1xx \(c[0]) 2xx \(c[1]) 3xx \(c[2]) 4xx \(c[3]) 5xx \(c[4]) bytes_out \(host.bytesOut)\n"
        }
        return out
    }

    /// The same numbers as JSON: `{"connections":{...},"vhosts":[{...}]}`.
    public static func renderJSON(_ c: ServerStatus.Connections, _ hosts: [ServerStatus.VirtualHost]) -> String {
        let connections = JSONText.object([
            ("active", String(c.active)), ("accepts", String(c.accepts)), ("handled", String(c.handled)),
            ("requests", String(c.requests)), ("reading", String(c.reading)), ("writing", String(c.writing)),
            ("waiting", String(c.waiting)),
        ])
        let vhosts = hosts.map { host in
            JSONText.object([
                ("name", JSONText.quote(host.name)), ("requests", String(host.requests)),
                ("1xx", String(host.statusClasses[0])), ("2xx", String(host.statusClasses[1])),
                ("3xx", String(host.statusClasses[2])), ("4xx", String(host.statusClasses[3])),
                ("5xx", String(host.statusClasses[4])), ("bytes_out", String(host.bytesOut)),
            ])
        }
        return JSONText.object([("connections", connections), ("vhosts", JSONText.array(vhosts))]) + "\n"
    }

    /// Answers the status page.
    public func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        respond(to: request)
    }

    /// The counters are read at once (atomic loads): answered on the event loop, without a task.
    public func immediateResponse(to request: HandlerRequest) -> HandlerResponse? {
        respond(to: request)
    }

    private func respond(to request: HandlerRequest) -> HandlerResponse {
        guard let connections = status.connections else {
            request.logger.error("swift_handler \"status\": this swhost has no connection counters")
            return .text("connection counters are not available\n", status: 503)
        }
        let hosts = showVirtualHosts ? status.virtualHosts : []
        let json = format == .json || request.query.split(separator: "&").contains("format=json")
        var response = json
            ? HandlerResponse.json(Self.renderJSON(connections, hosts))
            : HandlerResponse.text(Self.render(connections) + Self.render(hosts))
        response.headers.add(name: "Cache-Control", value: "no-cache")
        return response
    }
}
