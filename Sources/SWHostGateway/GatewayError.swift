// swhost: CGI and FastCGI gateways.

/// Why a gateway request failed before a response head could be produced. The HTTP layer maps
/// these the way nginx maps upstream failures.
public enum GatewayError: Error, Sendable, Equatable {
    /// No output within the read timeout (or no connection within the connect timeout): 504.
    case timedOut
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
        case .timedOut: 504
        case .badGateway: 502
        case .busy: 503
        case .requestBody: 400
        }
    }
}
