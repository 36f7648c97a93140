// swhost: CGI and FastCGI gateways.

/// Why a gateway request failed before a response head could be produced. The HTTP layer maps
/// these the way nginx maps upstream failures.
public enum GatewayError: Error, Sendable, Equatable {
    /// No output within the read timeout: 504.
    case timedOut
    /// No connection to a FastCGI upstream within the connect timeout: 504.
    case connectTimedOut
    /// The FastCGI upstream could not be reached (nginx's `connect() to unix:/x failed (2: No
    /// such file or directory) while connecting to upstream`): 502. `critical`: nginx logs it at
    /// `crit` (anything but a refused connection, as in its ngx_event_connect_peer).
    case connectFailed(String, critical: Bool)
    /// The script or upstream could not be started or reached, exited without a header block,
    /// or sent malformed headers: 502, with the reason for the error log.
    case badGateway(String)
    /// Too many CGI processes are running and queued in this worker: 503.
    case busy
    /// The request body could not be read (client gone, too large, malformed).
    case requestBody(String)

    /// The HTTP status nginx answers for this failure.
    public var status: Int {
        switch self {
        case .timedOut, .connectTimedOut: 504
        case .badGateway, .connectFailed: 502
        case .busy: 503
        case .requestBody: 400
        }
    }

    /// The error log text, as nginx words it where it has a counterpart.
    public var reason: String {
        switch self {
        case .timedOut: "upstream timed out (110: Connection timed out) while reading response header from upstream"
        case .connectTimedOut: "upstream timed out (110: Connection timed out) while connecting to upstream"
        case .connectFailed(let message, _), .badGateway(let message): message
        case .busy: "too many CGI processes (cgi_max_processes)"
        case .requestBody(let message): "request body: \(message)"
        }
    }
}
