// swhost: config language.

/// `allow`/`deny` in config order; the first matching rule decides.
public struct AccessRule: Sendable, Hashable {
    public enum Action: Sendable, Hashable { case allow, deny }
    public enum Match: Sendable, Hashable {
        case all
        case network(CIDR)
        /// `unix:`: connections over Unix sockets.
        case unix
    }
    public var action: Action
    public var match: Match
}

/// `limit_except METHOD... { allow/deny/auth_basic }`: applies to requests whose method is NOT listed
/// (`GET` also allows `HEAD`).
public struct LimitExcept: Sendable, Hashable {
    public var methods: Set<String>
    public var accessRules: [AccessRule]
    public var authBasic: VariableTemplate?
    public var authBasicUserFile: String?
}
