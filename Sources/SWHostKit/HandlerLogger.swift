// swhost: the public Swift handler API.

/// Writes to the error log of the request's location (`error_log`), in nginx's line format with
/// the request context (`client`, `server`, `request`, `host`) appended.
public struct HandlerLogger: Sendable {
    /// nginx's error-log levels, least severe first.
    public enum Level: Int, Sendable, Hashable, Comparable, CaseIterable {
        case debug, info, notice, warn, error, crit, alert, emerg

        /// Less severe first.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    let sink: @Sendable (Level, String) -> Void

    /// A logger that hands every line to `sink` (the host binds it to the location's error log;
    /// tests may collect lines).
    public init(_ sink: @escaping @Sendable (Level, String) -> Void) {
        self.sink = sink
    }

    /// A logger that drops everything.
    public static let discard = HandlerLogger { _, _ in }

    /// Logs `message` at `level` (lines below the log's level are dropped by the host).
    public func log(_ level: Level, _ message: String) {
        sink(level, message)
    }

    /// Logs at `error`.
    public func error(_ message: String) { sink(.error, message) }
    /// Logs at `warn`.
    public func warning(_ message: String) { sink(.warn, message) }
    /// Logs at `info`.
    public func info(_ message: String) { sink(.info, message) }
    /// Logs at `debug`.
    public func debug(_ message: String) { sink(.debug, message) }
}
