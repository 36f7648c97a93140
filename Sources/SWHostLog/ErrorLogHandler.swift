// swhost: SWHostLog.

import Logging
import SWHostConfig

/// A swift-log `LogHandler` writing through an `ErrorLog`, so library code using `Logger`
/// produces nginx-format lines.
///
/// Metadata keys `connection`, `client`, `server`, `request`, `upstream`, `host` and `referrer`
/// fill the line's context (`*N ... , client: ..., server: ...`); any other metadata is appended
/// to the message as ` (key: value, ...)`.
public struct ErrorLogHandler: LogHandler {
    public let errorLog: ErrorLog
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    /// `logLevel` starts at the error log's least severe target level.
    public init(errorLog: ErrorLog) {
        self.errorLog = errorLog
        self.logLevel = Self.loggerLevel(errorLog.minimumLevel)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = Self.nginxLevel(event.level)
        guard errorLog.isEnabled(level) else { return }
        var merged = metadata
        if let extra = event.metadata {
            merged.merge(extra) { _, new in new }
        }
        var context = ErrorLogContext()
        var rest: [(String, String)] = []
        for (key, value) in merged {
            let text = value.description
            switch key {
            case "connection": context.connection = UInt64(text)
            case "client": context.client = text
            case "server": context.server = text
            case "request": context.request = text
            case "upstream": context.upstream = text
            case "host": context.host = text
            case "referrer": context.referrer = text
            default: rest.append((key, text))
            }
        }
        var message = event.message.description
        if !rest.isEmpty {
            rest.sort { $0.0 < $1.0 }
            message += " ("
            message += rest.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            message += ")"
        }
        errorLog.log(level, message, context: context)
    }

    /// swift-log's level for an nginx level (`warn` → `.warning`, `crit`/`alert`/`emerg` → `.critical`).
    public static func loggerLevel(_ level: ConfigDiagnostic.Level) -> Logger.Level {
        switch level {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warn: .warning
        case .error: .error
        case .crit, .alert, .emerg: .critical
        }
    }

    /// nginx's level for a swift-log level (`trace` and `debug` → `debug`, `critical` → `crit`).
    public static func nginxLevel(_ level: Logger.Level) -> ConfigDiagnostic.Level {
        switch level {
        case .trace, .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warn
        case .error: .error
        case .critical: .crit
        }
    }
}
