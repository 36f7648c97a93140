// swhost: request processing.

import SWHostConfig
import SWHostHTTPCore
import SWHostLog

/// The mutable state of one request while it moves through the phases.
///
/// `@unchecked Sendable`: it is confined to the connection's event loop. It is captured by
/// closures typed `@Sendable` only because they cross NIO APIs; every one of them (writer
/// completions, futures of work offloaded with `runIfActive(eventLoop:)`) runs on that loop.
final class RequestState: @unchecked Sendable {
    let request: HTTPRequest
    let writer: ResponseWriter
    let runtime: HTTPRuntime
    let server: ServerConfig
    let serverCaptures: RegexMatch?
    /// The port the request arrived on, for `$server_port` and redirects.
    let listenKey: ListenKey

    var location: LocationConfig
    /// Where the effective settings live: the location's, or a true `if` block's inside it.
    private(set) var settingsHolder: SettingsHolder
    /// The effective settings. One pointer, one field load per access: reading through a branch
    /// between two owners (or a `_read` coroutine) copied the whole struct, retaining dozens of
    /// references, on every access.
    var settings: HTTPSettings {
        @inline(__always) get { settingsHolder.value }
    }
    var handler: ContentHandler
    /// `$uri`: the current, possibly rewritten, decoded path.
    var uri: String
    /// `$args`.
    var args: String
    var hasArgs: Bool
    /// The method after `error_page` redirects (which turn everything but HEAD into GET).
    var method: HTTPMethod
    /// Captures of the last successful regex (location, rewrite, if).
    var captures: RegexMatch?
    /// Variables made with `set`, and named captures.
    var userVariables: [String: String] = [:]
    /// Internal redirects and location re-searches so far (nginx stops at 10).
    var redirects = 0
    /// The request reached its location through an internal redirect (`internal` locations allow it).
    var isInternal = false
    /// An `error_page` redirect already happened (nginx's `recursive_error_pages off`).
    var errorPageUsed = false
    /// The status to use after an `error_page` redirect (`error_page 404 =200 /x`), if overridden.
    var errorPageStatus: Int?
    /// `$remote_user` after auth_basic.
    var remoteUser: String?
    /// `$request_id`, made on first use.
    var requestID: String?
    /// Filled when the response is done, for the access log.
    var sentStatus = 0
    var sentHeaders = HTTPHeaderList()
    var completion: ResponseCompletion?

    init(request: HTTPRequest, writer: ResponseWriter, runtime: HTTPRuntime, listenKey: ListenKey, server: ServerConfig, serverCaptures: RegexMatch?) {
        self.request = request
        self.writer = writer
        self.runtime = runtime
        self.listenKey = listenKey
        self.server = server
        self.serverCaptures = serverCaptures
        self.location = server.serverLevel
        self.settingsHolder = server.serverLevel.settingsHolder
        self.handler = .staticFiles
        self.uri = request.uri.path
        self.args = request.uri.args
        self.hasArgs = request.uri.hasQuery
        self.method = request.method
        // A regex server_name's captures are $1..$9 until a regex location replaces them.
        self.captures = serverCaptures
    }

    /// Enters `location` (after a location search or a named-location jump).
    func enter(_ location: LocationConfig, captures: RegexMatch?) {
        self.location = location
        self.settingsHolder = location.settingsHolder
        self.handler = location.handler
        if let captures {
            self.captures = captures
            for (name, index) in captures.names {
                if let value = captures[index] { userVariables[name] = String(value) }
            }
        }
    }

    /// A true `if` block's settings apply from now on.
    func enterIfBlock(_ holder: SettingsHolder) {
        settingsHolder = holder
    }

    var locationRuntime: LocationRuntime { runtime.runtime(for: location) }

    var errorLog: ErrorLog { locationRuntime.errorLog }

    /// The context nginx appends to error-log lines about this request.
    var logContext: ErrorLogContext {
        var context = ErrorLogContext()
        context.connection = request.connection.connectionID
        context.client = request.connection.remoteAddress
        context.server = server.primaryName
        context.request = "\(request.method.rawValue) \(request.target) \(request.version)"
        context.host = request.headers.first("host")
        return context
    }

    /// Logs `message` at `level` in the location's error log with the request context.
    func log(_ level: ConfigDiagnostic.Level, _ message: String) {
        let log = errorLog
        if log.isEnabled(level) {
            log.log(level, message, context: logContext)
        }
    }
}
