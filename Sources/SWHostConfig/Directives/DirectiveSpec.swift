// swhost: config language.

/// The blocks a directive may appear in (nginx's `NGX_*_CONF` flags).
public struct DirectiveContexts: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let main = DirectiveContexts(rawValue: 1 << 0)
    public static let events = DirectiveContexts(rawValue: 1 << 1)
    public static let http = DirectiveContexts(rawValue: 1 << 2)
    public static let server = DirectiveContexts(rawValue: 1 << 3)
    public static let location = DirectiveContexts(rawValue: 1 << 4)
    /// `if` inside `server`.
    public static let ifServer = DirectiveContexts(rawValue: 1 << 5)
    /// `if` inside `location`.
    public static let ifLocation = DirectiveContexts(rawValue: 1 << 6)
    public static let limitExcept = DirectiveContexts(rawValue: 1 << 7)
    public static let types = DirectiveContexts(rawValue: 1 << 8)
    /// swhost's `fastcgi_app NAME { }`.
    public static let fastcgiApp = DirectiveContexts(rawValue: 1 << 9)

    /// http, server, location (nginx's `NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF`).
    public static let hsl: DirectiveContexts = [.http, .server, .location]
    /// The rewrite module's contexts.
    public static let rewrite: DirectiveContexts = [.server, .location, .ifServer, .ifLocation]
}

/// How many arguments a directive takes (nginx's `NGX_CONF_TAKE*`, `1MORE`, `FLAG`, `NOARGS`).
public enum DirectiveArity: Sendable, Hashable {
    case exactly(Int)
    case range(ClosedRange<Int>)
    case atLeast(Int)
    /// One argument, `on` or `off`.
    case flag

    func accepts(_ n: Int) -> Bool {
        switch self {
        case .exactly(let k): n == k
        case .range(let r): r.contains(n)
        case .atLeast(let k): n >= k
        case .flag: n == 1
        }
    }
}

/// A directive's effect, by the level it writes to.
enum DirectiveAction: Sendable {
    /// Writes the main/events configuration.
    case main(@Sendable (inout MainConfig, DirectiveInput) throws(ConfigDiagnostic) -> Void)
    /// Writes the inheritable http/server/location settings. `slot` names the setting for
    /// duplicate detection ("root" for both `root` and `alias`); `reset` is given for array
    /// settings that a level replaces (called on the first occurrence at a level).
    case settings(slot: String, reset: (@Sendable (inout HTTPSettings) -> Void)?,
                  apply: @Sendable (inout HTTPSettings, DirectiveInput) throws(ConfigDiagnostic) -> Void)
    /// Blocks and server/location-specific directives, handled by the compiler itself.
    case structural
    /// Accepted for compatibility and ignored.
    case ignored
}

/// One entry of the directive table (nginx's `ngx_command_t`).
struct DirectiveSpec: Sendable {
    let name: String
    let contexts: DirectiveContexts
    let arity: DirectiveArity
    let isBlock: Bool
    let action: DirectiveAction
}
