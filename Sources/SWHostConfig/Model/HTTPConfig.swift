// swhost: config language.

/// The compiled `http { }` block.
public struct HTTPConfig: Sendable {
    /// Servers in config order.
    public var servers: [ServerConfig]
    /// One virtual-host table per listening address (what the master binds).
    public var listeners: [ListenKey: ServerTable]
    /// `log_format`s by name (`combined` included).
    public var logFormats: [String: LogFormat]
    /// `fastcgi_app` blocks in config order.
    public var fastcgiApps: [FastCGIApp]
    /// `upstream` blocks by name.
    public var upstreams: [String: Upstream] = [:]
    /// http-level settings.
    public var settings: HTTPSettings
    /// Listen directives per address with the merged socket options (first one that sets them wins).
    public var listenOptions: [ListenKey: ListenDirective]

    public init(servers: [ServerConfig], listeners: [ListenKey: ServerTable], logFormats: [String: LogFormat],
                fastcgiApps: [FastCGIApp], settings: HTTPSettings, listenOptions: [ListenKey: ListenDirective]) {
        self.servers = servers
        self.listeners = listeners
        self.logFormats = logFormats
        self.fastcgiApps = fastcgiApps
        self.settings = settings
        self.listenOptions = listenOptions
    }
}
