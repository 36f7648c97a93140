// swhost: HTTP transport.

/// One listening socket the server accepts on.
public struct ListenerConfiguration: Sendable {
    /// Where connections come from.
    public enum Address: Sendable, Hashable {
        /// Bind `host:port` (IPv4 or IPv6 literal or name); port 0 picks a free port.
        case tcp(host: String, port: Int)
        /// Bind a unix-domain socket, replacing a stale socket file.
        case unix(path: String)
        /// Adopt a socket that is already bound and listening (inherited from the master process).
        case inherited(descriptor: CInt)
    }

    public var address: Address
    /// The opaque tag requests from this listener carry (`ConnectionInfo.listenerTag`).
    public var tag: Int
    /// `listen ... backlog=` (nginx's default 511).
    public var backlog: Int32
    /// Limits, timeouts and socket options for this listener's connections.
    public var connection: ConnectionConfiguration

    public init(address: Address, tag: Int = 0, backlog: Int32 = 511, connection: ConnectionConfiguration = ConnectionConfiguration()) {
        self.address = address
        self.tag = tag
        self.backlog = backlog
        self.connection = connection
    }
}
