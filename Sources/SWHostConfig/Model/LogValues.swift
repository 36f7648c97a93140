// swhost: config language.

/// `error_log FILE|stderr [LEVEL]`.
public struct ErrorLogTarget: Sendable, Hashable {
    public enum Destination: Sendable, Hashable {
        case stderr
        /// Absolute path.
        case file(String)
    }
    public var destination: Destination
    /// Default `error`.
    public var level: ConfigDiagnostic.Level
}

/// `access_log PATH [FORMAT [buffer=SIZE] [flush=TIME] [gzip[=LEVEL]] [if=CONDITION]]`.
public struct AccessLog: Sendable, Hashable {
    /// Absolute path (may contain variables in nginx; swhost keeps it as a template).
    public var path: VariableTemplate
    public var format: LogFormat
    public var buffer: ByteSize?
    public var flush: ConfigTime?
    public var gzipLevel: Int?
    /// Skip the line when this renders to empty or `0`.
    public var condition: VariableTemplate?
}

/// `log_format NAME [escape=default|json|none] STRING...`.
public struct LogFormat: Sendable, Hashable {
    public enum Escape: String, Sendable, Hashable { case `default`, json, none }
    public var name: String
    public var escape: Escape
    public var template: VariableTemplate

    /// nginx's built-in `combined` format.
    public static let combined = LogFormat(
        name: "combined", escape: .default,
        template: VariableTemplate(parsingTrusted:
            "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\""))
}
