// swhost: config language.

/// A built-in variable (`$uri`, `$status`, ...), identified once when the config is read.
///
/// The request path switches on ``kind``, an integer, rather than comparing the name with every
/// known name per use: an access-log line of the `combined` format resolves six of them per
/// request, and string matching them showed as half of the logging cost.
public struct BuiltinVariable: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The variables swhost computes itself; every other known name is `.other` (rendered empty
    /// or from `set`, as the HTTP layer decides).
    public enum Kind: String, Sendable, Hashable {
        case uri, documentURI = "document_uri", requestURI = "request_uri", args, queryString = "query_string"
        case isArgs = "is_args", host, hostname, httpHost = "http_host", remoteAddr = "remote_addr"
        case realipRemoteAddr = "realip_remote_addr", remotePort = "remote_port", realipRemotePort = "realip_remote_port"
        case remoteUser = "remote_user", serverAddr = "server_addr", serverPort = "server_port"
        case serverName = "server_name", serverProtocol = "server_protocol", scheme, https
        case requestMethod = "request_method", request, documentRoot = "document_root"
        case realpathRoot = "realpath_root", requestFilename = "request_filename"
        case contentLength = "content_length", contentType = "content_type", connection
        case connectionRequests = "connection_requests", pid, nginxVersion = "nginx_version"
        case swhostVersion = "swhost_version", status, bodyBytesSent = "body_bytes_sent"
        case bytesSent = "bytes_sent", requestLength = "request_length", requestTime = "request_time"
        case msec, timeLocal = "time_local", timeISO8601 = "time_iso8601"
        case fastcgiScriptName = "fastcgi_script_name", fastcgiPathInfo = "fastcgi_path_info"
        case limitRate = "limit_rate"
        case requestID = "request_id", requestCompletion = "request_completion"
        case proxyAddXForwardedFor = "proxy_add_x_forwarded_for"
        case other
    }

    /// The name as nginx spells it (lower case, without `$`).
    public let name: String
    public let kind: Kind

    public init(_ name: String) {
        self.name = name
        self.kind = Kind(rawValue: name) ?? .other
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public var description: String { name }

    public static func == (a: BuiltinVariable, b: BuiltinVariable) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
