// swhost: config language.

/// `root` or `alias` of a location (they share one slot, as in nginx).
public enum DocumentRoot: Sendable, Hashable {
    /// `root PATH`: the URI is appended. Relative paths are made absolute against the prefix.
    case root(VariableTemplate)
    /// `alias PATH`: replaces the location's matched part (or, in a regex location, the whole URI).
    case alias(VariableTemplate)
}

/// `try_files file ... uri|=code`.
public struct TryFiles: Sendable, Hashable {
    /// Each candidate; a trailing `/` means "a directory".
    public var files: [VariableTemplate]
    public enum Fallback: Sendable, Hashable {
        case uri(VariableTemplate)
        case named(String)
        case code(Int)
    }
    public var fallback: Fallback
}

/// `error_page CODE... [=[RESPONSE]] URI|@named`.
public struct ErrorPage: Sendable, Hashable {
    public var codes: [Int]
    public enum Response: Sendable, Hashable {
        /// Keep the original status (no `=`).
        case original
        /// `=` alone: the status of the error page's own response.
        case fromTarget
        /// `=CODE`.
        case code(Int)
    }
    public var response: Response
    public enum Target: Sendable, Hashable {
        case uri(VariableTemplate)
        case named(String)
    }
    public var target: Target
}

/// `add_header NAME VALUE [always]`.
public struct AddHeader: Sendable, Hashable {
    public var name: String
    public var value: VariableTemplate
    /// Without `always` the header is added only to 200, 201, 204, 206, 301, 302, 303, 304, 307, 308.
    public var always: Bool
}

/// `expires`.
public enum Expires: Sendable, Hashable {
    case off
    /// `epoch`: `Expires: Thu, 01 Jan 1970 00:00:01 GMT`, `Cache-Control: no-cache`.
    case epoch
    /// `max`: `Expires: Thu, 31 Dec 2037 23:55:55 GMT`, `Cache-Control: max-age=315360000`.
    case max
    /// A time from now, or from the file's modification time with `modified`. Negative times
    /// give `Cache-Control: no-cache`.
    case after(ConfigTime, modified: Bool)
    /// `@15h30m`: a time of day.
    case dailyAt(ConfigTime)
}

public enum IfModifiedSince: String, Sendable, Hashable { case off, exact, before }
public enum AutoindexFormat: String, Sendable, Hashable { case html, xml, json, jsonp }
public enum GzipStatic: String, Sendable, Hashable { case off, on, always }

/// `disable_symlinks off | on | if_not_owner [from=PART]`.
public enum DisableSymlinks: Sendable, Hashable {
    case off
    case on(from: VariableTemplate?)
    case ifNotOwner(from: VariableTemplate?)
}

/// `gzip_types`: `*` or a set of MIME types (`text/html` is always included, as in nginx).
public enum GzipTypes: Sendable, Hashable {
    case any
    case types(Set<String>)

    public func contains(_ mime: some StringProtocol) -> Bool {
        switch self {
        case .any: true
        case .types(let set): set.contains(String(mime))
        }
    }
}

/// One `gzip_disable` entry.
public enum GzipDisable: Sendable, Hashable {
    /// `msie6`: MSIE 4-6 without SV1.
    case msie6
    /// A case-insensitive regex on `User-Agent`.
    case regex(ConfigRegex)
}

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

/// `open_file_cache off | max=N [inactive=TIME]`.
public struct OpenFileCache: Sendable, Hashable {
    public var max: Int
    /// Default 60s.
    public var inactive: ConfigTime
}

/// `fastcgi_param` / `cgi_param NAME VALUE [if_not_empty]`.
public struct GatewayParam: Sendable, Hashable {
    public var name: String
    public var value: VariableTemplate
    public var ifNotEmpty: Bool
}

/// `large_client_header_buffers NUMBER SIZE`.
public struct BufferSpec: Sendable, Hashable {
    public var count: Int
    public var size: ByteSize
}

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

/// A FastCGI upstream named by `fastcgi_pass`.
public enum FastCGIUpstream: Sendable, Hashable {
    case inet(host: String, port: Int)
    case unix(String)
    /// A `fastcgi_app NAME` spawned by swhost.
    case app(String)
}

/// `fastcgi_app NAME { command ...; processes N; socket PATH; env NAME=VALUE; }` (http level).
public struct FastCGIApp: Sendable, Hashable {
    public var name: String
    /// Program and arguments.
    public var command: [String]
    /// Default 1.
    public var processes: Int
    /// Absolute socket path; default `run/fastcgi-NAME.sock` under the prefix.
    public var socket: String
    /// `NAME=VALUE` pairs in order.
    public var environment: [(name: String, value: String)]
    public var location: SourceLocation?

    public static func == (a: FastCGIApp, b: FastCGIApp) -> Bool {
        a.name == b.name && a.command == b.command && a.processes == b.processes && a.socket == b.socket
            && a.environment.map(\.name) == b.environment.map(\.name) && a.environment.map(\.value) == b.environment.map(\.value)
    }
    public func hash(into h: inout Hasher) { h.combine(name); h.combine(socket) }
}

/// What produces a location's response body. Set per location and not inherited by nested
/// locations (as nginx's content handlers).
public enum ContentHandler: Sendable, Hashable {
    /// Static files (root/alias, index, autoindex, try_files). The default.
    case staticFiles
    /// `fastcgi_pass ADDRESS|unix:PATH|APP;` (location, if in location). A bare name refers to a
    /// `fastcgi_app` block (swhost); a name that is neither an address nor an app is an error at load.
    case fastcgi(FastCGIUpstream)
    /// `cgi on|off;` (swhost; location; default off): files in this location run as CGI/1.1
    /// scripts (RFC 3875) instead of being served; `cgi_interpreter` picks an interpreter by extension.
    /// `cgi_pass /path/to/program;` (swhost; location): every request in the location runs this
    /// one program (path relative to the prefix), with the request path as `PATH_INFO`.
    case cgi(program: String?)
    /// `swift_handler NAME [key=value ...];` (swhost; location): an in-process Swift handler
    /// registered under NAME (built in, or from a `load_module` library). The parameters are kept
    /// in order for the handler to validate when it is instantiated.
    case swift(name: String, parameters: [SwiftHandlerParameter])
}

public struct SwiftHandlerParameter: Sendable, Hashable {
    public var key: String
    public var value: String
}
