// swhost: config language.

/// One message about a configuration, rendered the way nginx renders it:
/// `[emerg] unknown directive "foo" in /etc/swhost/swhost.conf:12`.
///
/// Errors (`emerg`) stop `-t` and a reload; warnings (`warn`) are printed and do not.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// nginx's log levels, in increasing severity. Also used by `error_log LEVEL`.
    public enum Level: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
        case debug, info, notice, warn, error, crit, alert, emerg

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warn: "warn"
            case .error: "error"
            case .crit: "crit"
            case .alert: "alert"
            case .emerg: "emerg"
            }
        }

        /// Parses an nginx level name (`debug` ... `emerg`).
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.description == name }) else { return nil }
            self = level
        }
    }

    public var level: Level
    /// The message without level or location, e.g. `unknown directive "foo"`.
    public var message: String
    /// Where the problem is; `nil` for problems with no place in a file (e.g. a missing main config).
    public var location: SourceLocation?

    public init(_ level: Level = .emerg, _ message: String, at location: SourceLocation? = nil) {
        self.level = level
        self.message = message
        self.location = location
    }

    /// `[emerg] MESSAGE in FILE:LINE` (or without the ` in ...` part when there is no location;
    /// `... in command line` for `-g` directives, which have no line).
    public var description: String {
        if let location {
            return "[\(level)] \(message) in \(location)"
        }
        return "[\(level)] \(message)"
    }
}
