// swhost: config language.

/// What a `listen` directive binds: an IPv4/IPv6 address and port, or a Unix socket.
public enum ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Numeric IPv4 address (`0.0.0.0` for `*` or a bare port) and port.
    case ipv4(String, port: Int)
    /// Numeric IPv6 address without brackets (`::1`) and port.
    case ipv6(String, port: Int)
    /// `unix:/path` (absolute path).
    case unix(String)

    /// nginx's spelling, also the key of `HTTPConfig.listeners`: `0.0.0.0:8080`, `[::1]:80`, `unix:/run/x.sock`.
    public var description: String {
        switch self {
        case .ipv4(let a, let p): "\(a):\(p)"
        case .ipv6(let a, let p): "[\(a)]:\(p)"
        case .unix(let path): "unix:\(path)"
        }
    }

    public var port: Int? {
        switch self {
        case .ipv4(_, let p), .ipv6(_, let p): p
        case .unix: nil
        }
    }
}

/// One listening socket the master must open; servers that listen on the same address share it.
public typealias ListenKey = ListenAddress

/// A parsed `listen` directive with its parameters.
public struct ListenDirective: Sendable, Hashable {
    public var address: ListenAddress
    /// `default_server` (or the legacy `default`).
    public var defaultServer: Bool = false
    public var ssl: Bool = false
    public var http2: Bool = false
    public var reuseport: Bool = false
    /// `backlog=N`; nil means the system default (nginx uses 511 on Linux).
    public var backlog: Int?
    /// `ipv6only=on|off`; nil means nginx's default (on).
    public var ipv6only: Bool?
    /// `rcvbuf=`/`sndbuf=` sizes, kept for the socket options.
    public var receiveBuffer: ByteSize?
    public var sendBuffer: ByteSize?
    /// `deferred`, `bind`, `so_keepalive=`, `fastopen=`: accepted, recorded by name.
    public var otherParameters: [String] = []
    public var location: SourceLocation?

    public init(address: ListenAddress) { self.address = address }

    /// True when the directive sets socket options (nginx allows them once per address).
    public var setsSocketOptions: Bool {
        backlog != nil || reuseport || ipv6only != nil || receiveBuffer != nil || sendBuffer != nil
            || otherParameters.contains { $0 != "proxy_protocol" }
    }
}

/// One `server_name` entry.
public enum ServerName: Sendable, Hashable, CustomStringConvertible {
    /// `example.org`, stored lowercase. `""` is the empty name (requests without Host).
    case exact(String)
    /// `*.example.org`: stored as the suffix with its dot, `.example.org`.
    case leadingWildcard(String)
    /// `www.example.*`: stored as the prefix with its dot, `www.example.`.
    case trailingWildcard(String)
    /// `~^(?<sub>.+)\.example\.org$`: matched in config order, case-insensitively like nginx.
    case regex(ConfigRegex)

    public var description: String {
        switch self {
        case .exact(let s): s
        case .leadingWildcard(let s): "*\(s)"
        case .trailingWildcard(let s): "\(s)*"
        case .regex(let r): "~\(r.pattern)"
        }
    }
}
