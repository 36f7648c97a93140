// swhost: HTTP transport.

import NIOCore

/// Per-listener connection settings, built by the HTTP layer from nginx directives. The core knows
/// nothing of config syntax; nginx's defaults are the initial values.
public struct ConnectionConfiguration: Sendable {
    /// `client_header_buffer_size`, `large_client_header_buffers`.
    public var headerLimits: HeaderLimits
    /// `client_header_timeout` (60s): the whole head must arrive within it; then the connection is
    /// closed without a response (nginx logs 408).
    public var clientHeaderTimeout: TimeAmount
    /// `client_body_timeout` (60s): between two successful body reads.
    public var clientBodyTimeout: TimeAmount
    /// `send_timeout` (60s): between two successful writes.
    public var sendTimeout: TimeAmount
    /// `keepalive_timeout` (75s): idle time between requests; zero disables keep-alive.
    public var keepaliveTimeout: TimeAmount
    /// `keepalive_requests` (1000): requests per connection; the last gets `Connection: close`.
    public var keepaliveRequests: Int
    /// `merge_slashes` (on).
    public var mergeSlashes: Bool
    /// `tcp_nopush` (off): cork header + file body so they leave in full segments.
    public var tcpNopush: Bool
    /// `tcp_nodelay` (on).
    public var tcpNodelay: Bool
    /// `server_tokens` (on): core-generated pages and their `Server` field name the version.
    public var serverTokens: Bool
    /// Product name on core-generated responses.
    public var serverName: String
    /// Product version, shown when `serverTokens` is on.
    public var serverVersion: String
    /// Unread request body bytes the core reads and discards to keep a connection alive; a larger
    /// remainder closes the connection after the response instead.
    public var maximumDrainBytes: Int64
    /// On a graceful stop (reload, QUIT), how long an idle keep-alive connection may still send
    /// its next request, which is then answered with `Connection: close`.
    public var quiesceGrace: TimeAmount = .seconds(1)
    /// Bytes of pipelined input buffered while a response is in flight before reads pause.
    public var maximumBufferedInput: Int
    /// `lingering_close` (on): after a final response while the client may still be sending,
    /// shut down only the write side and discard input for a while, so unread bytes do not make
    /// the kernel reset the connection before the client has read the response.
    public var lingeringClose: Bool
    /// `lingering_close always`: linger after every response that closes the connection, not only
    /// when the client may still be sending.
    public var lingeringAlways: Bool
    /// `keepalive_time` (1h): a connection older than this gets `Connection: close` on its next
    /// response, however busy it is.
    public var keepaliveTime: TimeAmount
    /// `lingering_time` (30s): the longest the discarding goes on.
    public var lingeringTime: TimeAmount
    /// `lingering_timeout` (5s): the longest wait for more input while discarding.
    public var lingeringTimeout: TimeAmount

    public init(
        headerLimits: HeaderLimits = HeaderLimits(),
        clientHeaderTimeout: TimeAmount = .seconds(60),
        clientBodyTimeout: TimeAmount = .seconds(60),
        sendTimeout: TimeAmount = .seconds(60),
        keepaliveTimeout: TimeAmount = .seconds(75),
        keepaliveRequests: Int = 1000,
        mergeSlashes: Bool = true,
        tcpNopush: Bool = false,
        tcpNodelay: Bool = true,
        serverTokens: Bool = true,
        serverName: String = "swhost",
        serverVersion: String = "0.1.0",
        maximumDrainBytes: Int64 = 1 << 20,
        maximumBufferedInput: Int = 64 * 1024,
        lingeringClose: Bool = true,
        lingeringTime: TimeAmount = .seconds(30),
        lingeringTimeout: TimeAmount = .seconds(5),
        lingeringAlways: Bool = false,
        keepaliveTime: TimeAmount = .hours(1)
    ) {
        self.headerLimits = headerLimits
        self.clientHeaderTimeout = clientHeaderTimeout
        self.clientBodyTimeout = clientBodyTimeout
        self.sendTimeout = sendTimeout
        self.keepaliveTimeout = keepaliveTimeout
        self.keepaliveRequests = keepaliveRequests
        self.mergeSlashes = mergeSlashes
        self.tcpNopush = tcpNopush
        self.tcpNodelay = tcpNodelay
        self.serverTokens = serverTokens
        self.serverName = serverName
        self.serverVersion = serverVersion
        self.maximumDrainBytes = maximumDrainBytes
        self.maximumBufferedInput = maximumBufferedInput
        self.lingeringClose = lingeringClose
        self.lingeringTime = lingeringTime
        self.lingeringTimeout = lingeringTimeout
        self.lingeringAlways = lingeringAlways
        self.keepaliveTime = keepaliveTime
    }

    /// `swhost/0.1.0` or `swhost`, per `serverTokens`.
    public var serverSoftware: String { serverTokens ? "\(serverName)/\(serverVersion)" : serverName }
}
