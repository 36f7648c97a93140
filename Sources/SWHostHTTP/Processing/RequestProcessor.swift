// swhost: request processing.

import NIOCore
import NIOPosix
import SWHostConfig
import SWHostHTTPCore

/// The responder every listener uses: picks the virtual host and location and runs nginx's
/// phases (server rewrite, find location, rewrite, access, try_files/content), then the filters
/// and the access log. Runs on the connection's event loop; blocking work (password hashing)
/// goes to the thread pool.
public struct RequestProcessor: HTTPResponder {
    public let runtime: HTTPRuntime
    let threadPool: NIOThreadPool

    public init(runtime: HTTPRuntime, threadPool: NIOThreadPool) {
        self.runtime = runtime
        self.threadPool = threadPool
    }

    public func respond(to request: HTTPRequest, writer: ResponseWriter) {
        let tag = request.connection.listenerTag
        let table = runtime.table(acceptedOn: tag, localAddress: request.connection.localAddress)
        let (server, captures) = table.resolve(host: request.host)
        let state = RequestState(request: request, writer: writer, runtime: runtime, listenKey: table.address,
                                 server: server, serverCaptures: captures)
        // Server-level rewrite directives run once, before the first location search.
        switch runRewrite(server.rewriteSteps, state) {
        case .respond(let reply):
            finish(state, reply)
        case .proceed, .relocate, .stop:
            findLocationAndRun(state)
        }
    }

    /// nginx's find-config / rewrite loop: search the location for `state.uri`, run its rewrite
    /// program, and search again while the URI keeps changing (at most 10 times).
    func findLocationAndRun(_ state: RequestState) {
        while true {
            let match = state.server.locations.match(state.uri)
            if let match {
                state.enter(match.location, captures: match.captures)
            } else {
                state.enter(state.server.serverLevel, captures: nil)
            }
            // nginx's find-config phase: an `internal` location is not found from outside
            // (before its rewrite directives run), and a declared body over the limit is refused.
            if state.location.isInternal && !state.isInternal {
                finish(state, Reply(status: 404))
                return
            }
            let limit = state.settings.clientMaxBodySize.bytes
            if limit > 0, let length = state.request.bodyContentLength, length > Int64(limit) {
                state.log(.error, "client intended to send too large body: \(length) bytes")
                var reply = Reply(status: 413)
                reply.closeConnection = true
                finish(state, reply)
                return
            }
            // A method outside `limit_except` runs in nginx's limit_except location, which
            // has none of the location's rewrite directives: straight to the access phase.
            if let limit = state.location.limitExcept, !limit.methods.contains(state.method.rawValue) {
                runAccessPhase(state)
                return
            }
            switch runRewrite(state.location.rewriteSteps, state) {
            case .respond(let reply):
                finish(state, reply)
                return
            case .relocate:
                state.redirects += 1
                if state.redirects > 10 {
                    state.log(.error, "rewrite or internal redirection cycle while processing \"\(state.uri)\"")
                    finish(state, Reply(status: 500))
                    return
                }
                continue
            case .proceed, .stop:
                runAccessPhase(state)
                return
            }
        }
    }

    /// An internal redirect to `target` (a URI, possibly with arguments): index files, try_files
    /// fallbacks and error pages use it; the new URI is matched against the locations again.
    /// `keepingArgs`: the index module keeps the request's arguments; try_files and error_page
    /// take the target's (none when it has no `?`), as nginx's ngx_http_split_args does.
    func internalRedirect(_ state: RequestState, to target: String, keepingArgs: Bool = false) {
        state.redirects += 1
        guard state.redirects <= 10 else {
            state.log(.error, "rewrite or internal redirection cycle while internally redirecting to \"\(target)\"")
            finish(state, Reply(status: 500))
            return
        }
        if let q = target.firstIndex(of: "?") {
            state.uri = String(target[..<q])
            state.args = String(target[target.index(after: q)...])
            state.hasArgs = true
        } else {
            state.uri = target
            if !keepingArgs {
                state.args = ""
                state.hasArgs = false
            }
        }
        state.isInternal = true
        findLocationAndRun(state)
    }

    /// Jumps to a named location (`@name`) without changing the URI.
    func namedLocation(_ state: RequestState, _ name: String) {
        state.redirects += 1
        guard state.redirects <= 10, let location = state.server.locations.named(name) else {
            state.log(.error, "could not find named location \"@\(name)\"")
            finish(state, Reply(status: 500))
            return
        }
        state.isInternal = true
        state.enter(location, captures: nil)
        switch runRewrite(location.rewriteSteps, state) {
        case .respond(let reply): finish(state, reply)
        case .relocate: findLocationAndRun(state)
        case .proceed, .stop: runAccessPhase(state)
        }
    }

    /// Runs the content handler of the current location.
    func runContentPhase(_ state: RequestState) {
        switch state.handler {
        case .staticFiles:
            if let tryFiles = state.location.tryFiles {
                runTryFiles(tryFiles, state)
            } else {
                serveStatic(state)
            }
        case .swift(let name, let parameters):
            runSwiftHandler(state, name: name, parameters: parameters)
        case .cgi(let program):
            runCGI(state, program: program)
        case .fastcgi(let upstream):
            runFastCGI(state, upstream)
        }
    }
}
