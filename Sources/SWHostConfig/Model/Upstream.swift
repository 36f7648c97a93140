// swhost: config language.

/// `upstream NAME { server ADDRESS [weight=N] [backup] [down] ...; }` (http level): the FastCGI
/// servers a `fastcgi_pass NAME` spreads its requests over, nginx's way: weighted round robin
/// over the primary servers, the next server when a connection cannot be made, the backup
/// servers when no primary one could be reached.
public struct Upstream: Sendable, Hashable {
    /// One `server` line.
    public struct Server: Sendable, Hashable {
        /// A TCP or unix-socket address (never `.app`).
        public var address: FastCGIUpstream
        /// `weight=N` (default 1).
        public var weight: Int
        /// `backup`: used only when every primary server failed to connect.
        public var backup: Bool
        /// `down`: never used.
        public var down: Bool

        public init(address: FastCGIUpstream, weight: Int = 1, backup: Bool = false, down: Bool = false) {
            self.address = address
            self.weight = weight
            self.backup = backup
            self.down = down
        }
    }

    public var name: String
    public var servers: [Server]
    public var location: SourceLocation?

    public init(name: String, servers: [Server], location: SourceLocation? = nil) {
        self.name = name
        self.servers = servers
        self.location = location
    }
}
