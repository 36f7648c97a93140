// swhost: config language.

import Synchronization

/// A merged `server { }` block.
@dynamicMemberLookup
public final class ServerConfig: Sendable {
    /// `listen` directives; `listen 80` (`*:80`) when the server has none, as nginx.
    public let listens: [ListenDirective]
    /// `server_name` entries in order; `""` when none given.
    public let names: [ServerName]
    /// The server-level merged settings (used by requests that match no location, and for
    /// http/server-only directives such as `client_header_buffer_size`): the server level's own,
    /// held once.
    @inlinable public var settings: HTTPSettings { serverLevel.settings }
    /// Server-level rewrite program (runs before location matching).
    public let rewriteSteps: [RewriteStep]
    /// Locations, ready for matching.
    public let locations: LocationTree
    /// The server's own level as a location (no name), for requests matching no location; it
    /// carries a server-level `try_files`.
    public let serverLevel: LocationConfig
    public let sourceLocation: SourceLocation?
    /// Where the serving layer keeps this server's status counters once it resolved them: an
    /// address, 1 for "none", 0 until resolved. Per server object (so per config generation),
    /// so that counting a response costs one load instead of a lookup by name.
    public let countersSlot = Atomic<UInt>(0)

    public init(listens: [ListenDirective], names: [ServerName], settings: HTTPSettings, rewriteSteps: [RewriteStep],
                locations: LocationTree, tryFiles: TryFiles? = nil, sourceLocation: SourceLocation?) {
        self.listens = listens
        self.names = names
        self.rewriteSteps = rewriteSteps
        self.locations = locations
        self.serverLevel = LocationConfig(name: "", modifier: .prefix, regex: nil, settings: settings, tryFiles: tryFiles,
                                          sourceLocation: sourceLocation)
        self.sourceLocation = sourceLocation
    }

    /// The first `server_name` as nginx's `$server_name` (empty when none).
    public var primaryName: String { names.first.map(\.description) ?? "" }

    public subscript<T>(dynamicMember keyPath: KeyPath<HTTPSettings, T>) -> T {
        settings[keyPath: keyPath]
    }
}
