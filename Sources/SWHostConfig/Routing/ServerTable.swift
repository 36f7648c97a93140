// swhost: config language.

/// The virtual servers on one listening address, precomputed for nginx's name precedence
/// (ngx_http_find_virtual_server): exact name, longest `*.x` wildcard, longest `x.*` wildcard,
/// first matching regex in config order, then the `default_server`, else the first server.
public struct ServerTable: Sendable {
    public let address: ListenKey
    /// The `default_server` of this address, else the first server listening on it.
    public var defaultServer: ServerConfig { storage.defaultServer }
    /// Servers in config order.
    public var servers: [ServerConfig] { storage.servers }

    /// Immutable name tables behind one reference, so a table is cheap to copy and hand out.
    private final class Storage: Sendable {
        let defaultServer: ServerConfig
        let servers: [ServerConfig]
        let exact: [String: ServerConfig]
        /// Keyed by the suffix with its leading dot: `.example.org`.
        let leading: [String: ServerConfig]
        /// Keyed by the prefix with its trailing dot: `www.example.`.
        let trailing: [String: ServerConfig]
        let regexes: [(ConfigRegex, ServerConfig)]

        init(servers: [ServerConfig], defaultServer: ServerConfig, exact: [String: ServerConfig], leading: [String: ServerConfig],
             trailing: [String: ServerConfig], regexes: [(ConfigRegex, ServerConfig)]) {
            self.servers = servers
            self.defaultServer = defaultServer
            self.exact = exact
            self.leading = leading
            self.trailing = trailing
            self.regexes = regexes
        }
    }

    private let storage: Storage

    /// Builds the table; `conflict` is called (with the name) for a name already taken on this
    /// address, which nginx ignores with a warning.
    public init(address: ListenKey, servers: [ServerConfig], defaultServer: ServerConfig?,
                conflict: (String, ServerConfig) -> Void = { _, _ in }) {
        self.address = address
        var exact: [String: ServerConfig] = [:]
        var leading: [String: ServerConfig] = [:]
        var trailing: [String: ServerConfig] = [:]
        var regexes: [(ConfigRegex, ServerConfig)] = []
        for server in servers {
            for name in server.names {
                switch name {
                case .exact(let n):
                    if exact[n] == nil { exact[n] = server } else { conflict(n, server) }
                case .leadingWildcard(let s):
                    if leading[s] == nil { leading[s] = server } else { conflict("*" + s, server) }
                case .trailingWildcard(let p):
                    if trailing[p] == nil { trailing[p] = server } else { conflict(p + "*", server) }
                case .regex(let r):
                    regexes.append((r, server))
                }
            }
        }
        storage = Storage(servers: servers, defaultServer: defaultServer ?? servers[0], exact: exact, leading: leading,
                          trailing: trailing, regexes: regexes)
    }

    /// The server for a `Host` header value (or nil/empty when absent).
    public func select(host: some StringProtocol) -> ServerConfig {
        resolve(host: host).server
    }

    /// The server plus the captures of a regex `server_name` that chose it.
    public func resolve(host: some StringProtocol) -> (server: ServerConfig, captures: RegexMatch?) {
        let name = ServerTable.normalize(host)
        let exact = storage.exact, leading = storage.leading, trailing = storage.trailing, defaultServer = storage.defaultServer
        if let s = exact[name] { return (s, nil) }
        if name.isEmpty { return (defaultServer, nil) }
        if !leading.isEmpty {
            // Longest suffix first: every dot position from the left.
            var idx = name.startIndex
            while let dot = name[idx...].firstIndex(of: ".") {
                if let s = leading[String(name[dot...])] { return (s, nil) }
                idx = name.index(after: dot)
            }
        }
        if !trailing.isEmpty {
            var end = name.endIndex
            while let dot = name[..<end].lastIndex(of: ".") {
                if let s = trailing[String(name[...dot])] { return (s, nil) }
                end = dot
            }
        }
        for (regex, server) in storage.regexes {
            if let m = regex.match(name) { return (server, m) }
        }
        return (defaultServer, nil)
    }

    /// Lowercase, without port and trailing dot (`Example.ORG.:8080` → `example.org`).
    static func normalize(_ host: some StringProtocol) -> String {
        // Fast path: a Host that is already lowercase, without port or trailing dot.
        if let plain = host as? String,
           plain.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x2e || $0 == 0x5f }),
           plain.utf8.last != 0x2e {
            return plain
        }
        var h = Substring(host)
        if h.first == "[" {
            if let close = h.firstIndex(of: "]") { h = h[...close] }
        } else if let colon = h.lastIndex(of: ":") {
            h = h[..<colon]
        }
        if h.last == "." { h = h.dropLast() }
        return h.lowercased()
    }
}
