// swhost: config language.

import Synchronization

/// How a `location` matches.
public enum LocationModifier: String, Sendable, Hashable {
    /// `location /path`.
    case prefix = ""
    /// `location = /path`.
    case exact = "="
    /// `location ^~ /path`: a longest-prefix match that skips the regex check.
    case prefixNoRegex = "^~"
    /// `location ~ re`.
    case regex = "~"
    /// `location ~* re`.
    case regexCaseless = "~*"
    /// `location @name`.
    case named = "@"
}

/// A merged location (or the server's own level): every inherited setting already resolved.
///
/// Immutable and shared by reference so that a lookup hands out a pointer, not a large copy.
/// Settings are read through dynamic member lookup: `location.clientMaxBodySize`.
@dynamicMemberLookup
public final class LocationConfig: Sendable {
    /// The name as written (`/images/`, `\.php$`, `@fallback`); empty for a server's own level.
    public let name: String
    public let modifier: LocationModifier
    /// Compiled for regex locations.
    public let regex: ConfigRegex?
    /// Merged http → server → (parent) location settings, by reference (see ``SettingsHolder``).
    public let settingsHolder: SettingsHolder
    /// Merged http → server → (parent) location settings.
    @inlinable public var settings: HTTPSettings { settingsHolder.value }
    /// What produces the response; not inherited by nested locations (as nginx's handlers).
    public let handler: ContentHandler
    /// `try_files` (not inherited).
    public let tryFiles: TryFiles?
    /// `internal`: only internal redirects may reach this location.
    public let isInternal: Bool
    /// `limit_except` (not inherited).
    public let limitExcept: LimitExcept?
    /// The location's rewrite-phase program.
    public let rewriteSteps: [RewriteStep]
    /// Nested locations.
    public let children: LocationTree
    public let sourceLocation: SourceLocation?
    /// What the serving layer derived from this location for its requests (opened logs, the
    /// handler instance), kept on the location so that finding it costs no lookup. Opaque here.
    public let derived = Mutex<(any AnyObject & Sendable)?>(nil)

    public init(
        name: String, modifier: LocationModifier, regex: ConfigRegex?, settings: HTTPSettings,
        handler: ContentHandler = .staticFiles, tryFiles: TryFiles? = nil, isInternal: Bool = false,
        limitExcept: LimitExcept? = nil, rewriteSteps: [RewriteStep] = [], children: LocationTree = LocationTree(),
        sourceLocation: SourceLocation? = nil
    ) {
        self.name = name
        self.modifier = modifier
        self.regex = regex
        self.settingsHolder = SettingsHolder(settings)
        self.handler = handler
        self.tryFiles = tryFiles
        self.isInternal = isInternal
        self.limitExcept = limitExcept
        self.rewriteSteps = rewriteSteps
        self.children = children
        self.sourceLocation = sourceLocation
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<HTTPSettings, T>) -> T {
        settings[keyPath: keyPath]
    }
}
