// swhost: SWHostLog.

/// What the error log knows about the request a message is about; each known part is
/// appended the way nginx appends it: `, client: 1.2.3.4, server: example.org,
/// request: "GET / HTTP/1.1", upstream: "...", host: "example.org", referrer: "..."`.
public struct ErrorLogContext: Sendable, Hashable {
    /// The connection serial number, printed as `*N` before the message.
    public var connection: UInt64?
    /// The client address (`$remote_addr`).
    public var client: String?
    /// The matched server's name; an empty string still prints `server: ` as nginx does.
    public var server: String?
    /// The request line, printed in quotes.
    public var request: String?
    /// The upstream (FastCGI/CGI) the request was passed to, printed in quotes.
    public var upstream: String?
    /// The `Host` header, printed in quotes.
    public var host: String?
    /// The `Referer` header, printed in quotes.
    public var referrer: String?

    public init(
        connection: UInt64? = nil, client: String? = nil, server: String? = nil, request: String? = nil,
        upstream: String? = nil, host: String? = nil, referrer: String? = nil
    ) {
        self.connection = connection
        self.client = client
        self.server = server
        self.request = request
        self.upstream = upstream
        self.host = host
        self.referrer = referrer
    }

    /// Appends `, client: ...` and the rest of the known parts.
    func appendSuffix(to line: inout String) {
        if let client { line += ", client: "; line += client }
        if let server { line += ", server: "; line += server }
        if let request { line += ", request: \""; line += request; line += "\"" }
        if let upstream { line += ", upstream: \""; line += upstream; line += "\"" }
        if let host { line += ", host: \""; line += host; line += "\"" }
        if let referrer { line += ", referrer: \""; line += referrer; line += "\"" }
    }
}
