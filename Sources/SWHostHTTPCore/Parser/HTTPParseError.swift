// swhost: HTTP transport.

/// Why a request head or body was refused. Each case maps to the status nginx answers with.
public enum HTTPParseError: Error, Sendable, Hashable {
    /// Malformed request line, header line, framing or body: 400.
    case badRequest
    /// A header line longer than one large buffer, or the whole head over number × size: 400 with
    /// nginx's "Request Header Or Cookie Too Large" page (nginx's internal 494).
    case headerTooLarge
    /// A request line longer than one large buffer: 414.
    case uriTooLong
    /// A `Transfer-Encoding` other than exactly `chunked`: 501.
    case notImplemented
    /// A major version above 1: 505.
    case versionNotSupported
    /// A body over the responder's `client_max_body_size`: 413.
    case bodyTooLarge

    /// The status line code the core answers with.
    public var status: Int {
        switch self {
        case .badRequest, .headerTooLarge: 400
        case .uriTooLong: 414
        case .notImplemented: 501
        case .versionNotSupported: 505
        case .bodyTooLarge: 413
        }
    }
}
