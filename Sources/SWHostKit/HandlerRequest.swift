// swhost: the public Swift handler API.

/// One request as a handler sees it: the request line, headers, where it was routed, the
/// handler's parameters, a logger, and the body.
public struct HandlerRequest: Sendable {
    /// The method (`GET`, `POST`, ...).
    public var method: String
    /// The request target as received, query included (nginx's `$request_uri`).
    public var uri: String
    /// The decoded, normalised path after rewrites (nginx's `$uri`).
    public var path: String
    /// The query string without `?` (nginx's `$args`); empty when there is none.
    public var query: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var httpVersion: String
    /// The request header fields as received.
    public var headers: HandlerHeaders
    /// The client's address (`$remote_addr`); empty on unix sockets.
    public var remoteAddress: String
    /// The client's port (`$remote_port`); 0 on unix sockets.
    public var remotePort: Int
    /// The host the request named (`$host`): `Host` or the absolute target, lower-cased, no port.
    public var host: String
    /// The virtual host's primary `server_name` (`$server_name`).
    public var serverName: String
    /// The matched location's pattern as written (`/api/`, `~ \.json$`, `@named`).
    public var location: String
    /// The `swift_handler` parameters of that location.
    public var parameters: HandlerParameters
    /// The location's error log.
    public var logger: HandlerLogger
    /// The request body (``HandlerRequestBody/empty`` without one).
    public var body: HandlerRequestBody

    /// A request; the host builds these, tests may too.
    public init(
        method: String = "GET", uri: String = "/", path: String? = nil, query: String = "", httpVersion: String = "HTTP/1.1",
        headers: HandlerHeaders = HandlerHeaders(), remoteAddress: String = "127.0.0.1", remotePort: Int = 0,
        host: String = "", serverName: String = "", location: String = "/", parameters: HandlerParameters = HandlerParameters(),
        logger: HandlerLogger = .discard, body: HandlerRequestBody = .empty
    ) {
        self.method = method
        self.uri = uri
        self.path = path ?? String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        self.query = query
        self.httpVersion = httpVersion
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.host = host
        self.serverName = serverName
        self.location = location
        self.parameters = parameters
        self.logger = logger
        self.body = body
    }
}
