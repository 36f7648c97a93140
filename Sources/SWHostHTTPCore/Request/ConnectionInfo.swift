// swhost: HTTP transport.

/// Facts about the connection a request arrived on, for variables and logs.
public struct ConnectionInfo: Sendable {
    /// `$connection`: a serial number unique per server process.
    public var connectionID: UInt64
    /// `$connection_requests`: 1 for the first request on the connection.
    public var requestNumber: Int
    /// `$remote_addr` / `$remote_port` (empty / 0 on unix sockets).
    public var remoteAddress: String
    public var remotePort: Int
    /// `$server_addr` / `$server_port`.
    public var localAddress: String
    public var localPort: Int
    /// The opaque tag the integrator gave the listener (selects the `listen` entry's servers).
    public var listenerTag: Int
    /// When the first byte of the request was read, microseconds since the epoch (`$request_time`).
    public var startTimeMicroseconds: Int64
    /// Bytes of the request line and header fields, up to the blank line (`$request_length`).
    public var headLength: Int

    public init(
        connectionID: UInt64, requestNumber: Int, remoteAddress: String, remotePort: Int,
        localAddress: String, localPort: Int, listenerTag: Int, startTimeMicroseconds: Int64, headLength: Int = 0
    ) {
        self.connectionID = connectionID
        self.requestNumber = requestNumber
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.localAddress = localAddress
        self.localPort = localPort
        self.listenerTag = listenerTag
        self.startTimeMicroseconds = startTimeMicroseconds
        self.headLength = headLength
    }
}
