// swhost: config language.

/// Every directive that inherits http → server → location, already merged: a value set at a level
/// applies to that level and below unless a lower level sets it again. Array-valued directives
/// (`add_header`, `fastcgi_param`, `cgi_param`, `cgi_interpreter`, `access_log`, `error_page`,
/// `allow`/`deny`, `index`) are replaced, not appended, when a lower level has any of them.
///
/// Defaults are nginx 1.22's unless noted. Relative paths are already absolute (prefix-relative).
public struct HTTPSettings: Sendable, Hashable {
    // MARK: files
    /// `root`/`alias`; default `root html` under the prefix.
    public var root: DocumentRoot
    /// Where the effective `alias` was set: nested locations inherit the alias and, as nginx,
    /// replace that location's name in the URI (or, for a regex location, the whole URI with the
    /// rendered alias). nil when `root` is in effect.
    public var aliasOrigin: AliasOrigin?
    /// `index`; default `index.html`.
    public var index: [VariableTemplate] = [VariableTemplate(literal: "index.html")]
    /// `autoindex`; default off.
    public var autoindex = false
    /// `autoindex_format`; default html.
    public var autoindexFormat: AutoindexFormat = .html
    /// `autoindex_exact_size`; default on.
    public var autoindexExactSize = true
    /// `autoindex_localtime`; default off.
    public var autoindexLocaltime = false
    /// `error_page`s, in config order.
    public var errorPages: [ErrorPage] = []
    /// `internal` redirect limits etc. are not configurable; `disable_symlinks`, default off.
    public var disableSymlinks: DisableSymlinks = .off
    /// `types { }`: extension (lowercase) → MIME type. Default nginx's built-in html/gif/jpg map.
    public var types: [String: String] = ["html": "text/html", "gif": "image/gif", "jpg": "image/jpeg"]
    /// `default_type`; default `text/plain`.
    public var defaultType = "text/plain"
    /// `mime_sniff on|off` (swhost; http/server/location; default on): files whose extension has no
    /// entry in `types` are typed by content with libmagic instead of getting `default_type`.
    public var mimeSniff = true
    /// `charset` (accepted; swhost does not convert). nil = off.
    public var charset: String?
    /// `charset_types`: the types `charset` applies to (`text/html` always included).
    public var charsetTypes: MediaTypeSet = .types(["text/html", "text/xml", "text/plain", "text/vnd.wap.wml", "application/javascript", "application/rss+xml"])

    // MARK: headers and caching
    /// `add_header`s, in config order.
    public var addHeaders: [AddHeader] = []
    /// `expires`; default off.
    public var expires: Expires = .off
    /// `etag`; default on.
    public var etag = true
    /// `if_modified_since`; default exact.
    public var ifModifiedSince: IfModifiedSince = .exact
    /// `server_tokens on|off|build`; default on (`build` is on: swhost has no build name).
    public var serverTokens = true
    /// `max_ranges`; nil (default) = unlimited, 0 disables ranges.
    public var maxRanges: Int?

    // MARK: connection and request limits
    /// `sendfile`; default off (nginx's default, although most configs turn it on).
    public var sendfile = false
    /// `tcp_nopush`; default off.
    public var tcpNopush = false
    /// `tcp_nodelay`; default on.
    public var tcpNodelay = true
    /// `keepalive_timeout TIMEOUT [HEADER_TIMEOUT]`; default 75s; 0 disables keep-alive.
    public var keepaliveTimeout: ConfigTime = .seconds(75)
    /// The optional second argument of `keepalive_timeout` (`Keep-Alive: timeout=N`).
    public var keepaliveHeaderTimeout: ConfigTime?
    /// `keepalive_requests`; default 1000.
    public var keepaliveRequests = 1000
    /// `client_max_body_size`; default 1m; 0 = unlimited.
    public var clientMaxBodySize: ByteSize = .megabytes(1)
    /// `client_body_timeout`; default 60s.
    public var clientBodyTimeout: ConfigTime = .seconds(60)
    /// `client_header_timeout` (http/server); default 60s.
    public var clientHeaderTimeout: ConfigTime = .seconds(60)
    /// `client_header_buffer_size` (http/server); default 1k.
    public var clientHeaderBufferSize: ByteSize = .kilobytes(1)
    /// `large_client_header_buffers` (http/server); default 4 8k.
    public var largeClientHeaderBuffers = BufferSpec(count: 4, size: .kilobytes(8))
    /// `send_timeout`; default 60s.
    public var sendTimeout: ConfigTime = .seconds(60)
    /// `underscores_in_headers` (http/server); default off.
    public var underscoresInHeaders = false
    /// `merge_slashes` (http/server); default on.
    public var mergeSlashes = true
    /// `keepalive_time`; default 1h: no new request on a connection older than this.
    public var keepaliveTime: ConfigTime = .seconds(3600)
    /// `lingering_close on|off|always`; default on.
    public var lingeringClose: LingeringClose = .on
    /// `lingering_time`; default 30s.
    public var lingeringTime: ConfigTime = .seconds(30)
    /// `lingering_timeout`; default 5s.
    public var lingeringTimeout: ConfigTime = .seconds(5)

    // MARK: redirects and logging of missing files
    /// `absolute_redirect`; default on: redirects swhost issues carry scheme, host and port.
    public var absoluteRedirect = true
    /// `port_in_redirect`; default on.
    public var portInRedirect = true
    /// `server_name_in_redirect`; default off: the host comes from the request's `Host`.
    public var serverNameInRedirect = false
    /// `log_not_found`; default on: a missing file is logged at `error` level.
    public var logNotFound = true
    /// `satisfy all|any`; default all: `allow`/`deny` and `auth_basic` must both admit a request
    /// (`any`: either is enough).
    public var satisfy: Satisfy = .all

    // MARK: gzip
    /// `gzip`; default off.
    public var gzip = false
    /// `gzip_types`; default `text/html`.
    public var gzipTypes: MediaTypeSet = .types(["text/html"])
    /// `gzip_min_length`; default 20.
    public var gzipMinLength = 20
    /// `gzip_comp_level` 1-9; default 1.
    public var gzipCompLevel = 1
    /// `gzip_vary`; default off.
    public var gzipVary = false
    /// `gzip_proxied` parameters; default `off` (empty).
    public var gzipProxied: Set<String> = []
    /// `gzip_static`; default off.
    public var gzipStatic: GzipStatic = .off
    /// `gzip_disable`; default none.
    public var gzipDisable: [GzipDisable] = []
    /// `gzip_http_version` 1.0|1.1; default 1.1 (stored as 10 or 11).
    public var gzipHTTPVersion = 11
    /// `gzip_buffers` (accepted); default 32 4k.
    public var gzipBuffers = BufferSpec(count: 32, size: .kilobytes(4))

    // MARK: logging
    /// `access_log`s; empty = `access_log off`. Default `logs/access.log combined`.
    public var accessLogs: [AccessLog]
    /// `error_log` set at http/server/location level (replacing the inherited list); empty means
    /// the main context's `error_log`s apply.
    public var errorLogs: [ErrorLogTarget] = []

    // MARK: access
    /// `allow`/`deny` rules, in order.
    public var accessRules: [AccessRule] = []
    /// `auth_basic REALM`; nil = off.
    public var authBasic: VariableTemplate?
    /// `auth_basic_user_file` (absolute path, checked at load).
    public var authBasicUserFile: String?

    // MARK: open file cache
    /// `open_file_cache`; nil = off (default).
    public var openFileCache: OpenFileCache?
    /// `open_file_cache_valid`; default 60s.
    public var openFileCacheValid: ConfigTime = .seconds(60)
    /// `open_file_cache_errors`; default off.
    public var openFileCacheErrors = false
    /// `open_file_cache_min_uses`; default 1.
    public var openFileCacheMinUses = 1

    // MARK: FastCGI
    /// `fastcgi_hide_header`s (lowercased): response fields from the application not passed on.
    public var fastcgiHideHeaders: Set<String> = []
    /// `fastcgi_param`s in order.
    public var fastcgiParams: [GatewayParam] = []
    /// `fastcgi_index`.
    public var fastcgiIndex: VariableTemplate?
    /// `fastcgi_split_path_info REGEX` (two captures: script name and path info).
    public var fastcgiSplitPathInfo: ConfigRegex?
    /// `fastcgi_read_timeout`; default 60s.
    public var fastcgiReadTimeout: ConfigTime = .seconds(60)
    /// `fastcgi_connect_timeout`; default 60s.
    public var fastcgiConnectTimeout: ConfigTime = .seconds(60)
    /// `fastcgi_send_timeout`; default 60s.
    public var fastcgiSendTimeout: ConfigTime = .seconds(60)
    /// `fastcgi_keep_conn`; default off.
    public var fastcgiKeepConn = false
    /// `fastcgi_intercept_errors`; default off: an application's own error responses (status
    /// 300 and up) reach the client as it sent them; on, those with an `error_page` are replaced.
    public var fastcgiInterceptErrors = false
    /// `cgi_intercept_errors` (swhost; default off): `fastcgi_intercept_errors` for CGI scripts.
    public var cgiInterceptErrors = false
    /// `fastcgi_buffering` (accepted); default on.
    public var fastcgiBuffering = true

    // MARK: CGI (swhost)
    /// `cgi_param NAME VALUE [if_not_empty]` (swhost; http/server/location): extra meta-variables
    /// for CGI scripts, replaced (not appended) at a level that has any, like `fastcgi_param`.
    public var cgiParams: [GatewayParam] = []
    /// `cgi_interpreter .EXT /path/to/interpreter` (swhost; http/server/location): scripts with this
    /// extension run as `interpreter script` instead of directly. Replaced at a level that has any.
    public var cgiInterpreters: [String: String] = [:]
    /// `cgi_read_timeout TIME` (swhost; default 60s): longest pause in a CGI script's output.
    public var cgiReadTimeout: ConfigTime = .seconds(60)
    /// `cgi_max_processes N` (swhost; default 16): concurrent CGI processes per worker.
    public var cgiMaxProcesses = 16
    /// `cgi_path VALUE` (swhost; default `/usr/local/bin:/usr/bin:/bin`): `PATH` given to scripts.
    public var cgiPath = "/usr/local/bin:/usr/bin:/bin"

    // MARK: Swift handlers (swhost)
    /// `swift_handler_timeout TIME` (swhost; default 60s): longest time a Swift handler may take
    /// to start its response.
    public var swiftHandlerTimeout: ConfigTime = .seconds(60)

    public struct AliasOrigin: Sendable, Hashable {
        /// The location's name (`/images/`, or the regex).
        public var locationName: String
        public var isRegex: Bool
    }

    /// The http-level defaults for a prefix (`root html`, `access_log logs/access.log combined`).
    public init(prefix: String) {
        root = .root(VariableTemplate(literal: prefix + "html"))
        accessLogs = [AccessLog(path: VariableTemplate(literal: prefix + "logs/access.log"), format: .combined)]
    }
}
