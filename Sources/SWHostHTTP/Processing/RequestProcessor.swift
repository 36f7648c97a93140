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
        let connection = request.connection
        let table = runtime.table(tag: connection.listenerTag, localAddress: connection.localAddress, localPort: connection.localPort)
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
            if let match, match.redirectWithSlash {
                // nginx: `/app` for `location /app/ { fastcgi_pass ...; }` is a 301 to `/app/`.
                var reply = Reply(status: 301)
                var target = state.uri + "/"
                if state.hasArgs, !state.args.isEmpty { target += "?" + state.args }
                reply.headers.append(name: "Location", value: absoluteLocation(target, state))
                finish(state, reply)
                return
            }
            if let match {
                state.enter(match.location, captures: match.captures)
            } else {
                state.enter(state.server.serverLevel, captures: nil)
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
    func internalRedirect(_ state: RequestState, to target: String) {
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
        case .cgi(let program): runCGI(state, program: program)
        case .fastcgi(let upstream): runFastCGI(state, upstream)
        case .swift:
            // The gateways and Swift handlers are separate issues; until they land a location
            // that names one answers 502 and says why in the error log, never a wrong 200.
            state.log(.error, "content handler \(state.handler) is not available in this build of swhost")
            finish(state, Reply(status: 502))
        }
    }
}
