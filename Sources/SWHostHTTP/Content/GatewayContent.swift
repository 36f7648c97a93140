// swhost: request processing.

import NIOCore
import SWHostConfig
import SWHostGateway
import SWHostHTTPCore

/// The CGI and FastCGI content handlers: build the meta-variables from the request state on the
/// event loop, run the gateway off it, and turn its response into a `Reply` for the filters.
extension RequestProcessor {
    /// `cgi on` (`program` nil: the requested file is the script) or `cgi_pass PROGRAM`.
    func runCGI(_ state: RequestState, program: String?) {
        let settings = state.settings
        let documentRoot = state.documentRoot
        let uri = state.uri
        let base = GatewayEnvironment.cgiBase(state)
        let overrides = GatewayEnvironment.params(settings.cgiParams, state)
        let interpreters = settings.cgiInterpreters
        let readTimeout = TimeAmount.milliseconds(settings.cgiReadTimeout.milliseconds)
        let maxProcesses = settings.cgiMaxProcesses
        let prefix = runtime.prefix
        // cgi_pass: SCRIPT_NAME is the location prefix, PATH_INFO the URI past it.
        let locationPrefix = state.location.regex == nil ? state.location.name : ""
        guard let pending = gatewayBody(state) else { return }
        let log = state.errorLog
        let context = state.logContext
        let loop = state.request.eventLoop

        Task {
            guard let (body, chunkedLength) = await self.resolveBody(pending, state, loop) else { return }
            let script: CGIScriptLocator.Script
            if let program {
                let path = program.hasPrefix("/") ? program : prefix + program
                var name = locationPrefix
                while name.hasSuffix("/") { name.removeLast() }
                var pathInfo = ""
                if !name.isEmpty, uri.hasPrefix(name) {
                    pathInfo = String(uri.dropFirst(name.utf8.count))
                } else if name.isEmpty {
                    pathInfo = uri
                }
                script = CGIScriptLocator.Script(scriptName: name, filename: path, pathInfo: pathInfo, interpreter: nil)
            } else {
                switch CGIScriptLocator.locate(documentRoot: documentRoot, uri: uri, interpreters: interpreters) {
                case .script(let found):
                    script = found
                case .notFound:
                    loop.execute {
                        state.log(.error, "CGI script for \"\(uri)\" not found under \"\(documentRoot)\"")
                        self.finish(state, Reply(status: 404))
                    }
                    return
                case .forbidden:
                    loop.execute {
                        state.log(.error, "\"\(documentRoot)\(uri)\" is not an executable CGI script")
                        self.finish(state, Reply(status: 403))
                    }
                    return
                }
            }
            var environment = base
            GatewayEnvironment.set(&environment, "SCRIPT_NAME", script.scriptName)
            GatewayEnvironment.set(&environment, "SCRIPT_FILENAME", script.filename)
            GatewayEnvironment.set(&environment, "PATH_INFO", script.pathInfo)
            if !script.pathInfo.isEmpty {
                GatewayEnvironment.set(&environment, "PATH_TRANSLATED", documentRoot + script.pathInfo)
            }
            if let chunkedLength { GatewayEnvironment.set(&environment, "CONTENT_LENGTH", String(chunkedLength)) }
            for (name, value) in overrides { GatewayEnvironment.set(&environment, name, value) }
            let directory = script.filename.lastIndex(of: "/").map { String(script.filename[..<$0]) } ?? "/"
            let executable = script.interpreter ?? script.filename
            let arguments = script.interpreter.map { [$0, script.filename] } ?? [script.filename]
            let baseName = script.filename.split(separator: "/").last ?? ""
            let invocation = CGIInvocation(
                executable: executable, arguments: arguments, environment: environment,
                workingDirectory: directory.isEmpty ? "/" : directory, nph: baseName.hasPrefix("nph-"),
                readTimeout: readTimeout, maxProcesses: maxProcesses)
            let filename = script.filename
            let stderr: @Sendable (String) -> Void = { line in
                if log.isEnabled(.error) {
                    log.log(.error, "CGI script \"\(filename)\" stderr: \(line)", context: context)
                }
            }
            // The head (or the failure) comes back on the loop.
            await CGIGateway().start(invocation, body: body, on: loop, stderr: stderr) { result in
                switch result {
                case .success(let response): self.finishGateway(state, response)
                case .failure(let error): self.gatewayFailed(state, error, what: "CGI script \"\(filename)\"")
                }
            }
        }
    }

    /// `fastcgi_pass`.
    func runFastCGI(_ state: RequestState, _ upstream: FastCGIUpstream) {
        // Fields are read one by one: a copy of `state.settings` would retain all of them.
        let addresses: [FastCGIAddress]
        switch upstream {
        case .inet(let host, let port): addresses = [.inet(host: host, port: port)]
        case .unix(let path): addresses = [.unix(path: path)]
        case .app(let name):
            if let app = runtime.config.fastcgiApps.first(where: { $0.name == name }) {
                // The master starts the app's processes on this socket (fastcgi_app).
                addresses = [.unix(path: app.socket)]
            } else if let servers = runtime.upstreams.candidates(name) {
                guard !servers.isEmpty else {
                    state.log(.error, "no live upstreams while connecting to upstream")
                    finish(state, Reply(status: 502))
                    return
                }
                addresses = servers
            } else {
                state.log(.error, "upstream \"\(name)\" is not defined")
                finish(state, Reply(status: 502))
                return
            }
        }
        var invocation = FastCGIInvocation(
            address: addresses[0], encodedParams: Self.fastcgiParams(state.settings.fastcgiParams, state),
            connectTimeout: .milliseconds(state.settings.fastcgiConnectTimeout.milliseconds),
            readTimeout: .milliseconds(state.settings.fastcgiReadTimeout.milliseconds),
            keepConnection: state.settings.fastcgiKeepConn)
        guard let pending = gatewayBody(state) else { return }
        if case .ready(.none) = pending {
            // No body to read: connect and send on this loop; the head comes back on it.
            startFastCGI(state, invocation, body: .none, addresses: addresses, attempt: 0)
            return
        }
        let loop = state.request.eventLoop
        Task {
            guard let (body, chunkedLength) = await self.resolveBody(pending, state, loop) else { return }
            if let chunkedLength {
                // nginx sends the length of the body it buffered.
                invocation.encodedParams = invocation.encodedParams.setting("CONTENT_LENGTH", String(chunkedLength))
            }
            self.startFastCGI(state, invocation, body: body, addresses: addresses, attempt: 0)
        }
    }

    /// One try of the request on `addresses[attempt]`; a connection that cannot be made moves on
    /// to the next server of an `upstream` (nginx's default `fastcgi_next_upstream error timeout`)
    /// when the body can be sent again.
    private func startFastCGI(_ state: RequestState, _ invocation: FastCGIInvocation, body: GatewayRequestBody,
                              addresses: [FastCGIAddress], attempt: Int) {
        var current = invocation
        let address = addresses[attempt]
        current.address = address
        let log = state.errorLog
        let stderr: @Sendable (String) -> Void = { line in
            // The context is built only when a line is logged (state's request and server are immutable).
            if log.isEnabled(.error) {
                var context = state.logContext
                context.upstream = address.logName
                log.log(.error, line, context: context)
            }
        }
        let replayable = switch body {
        case .none, .buffered: true
        case .stream, .spooled: false
        }
        FastCGIGateway().start(current, body: body, on: state.request.eventLoop, stderr: stderr) { result in
            switch result {
            case .success(let response):
                self.finishGateway(state, response)
            case .failure(let error):
                let connecting = switch error {
                case .connectFailed, .connectTimedOut: true
                default: false
                }
                if connecting, replayable, attempt + 1 < addresses.count {
                    self.logFastCGIFailure(state, error, upstream: address)
                    self.startFastCGI(state, invocation, body: body, addresses: addresses, attempt: attempt + 1)
                } else {
                    self.fastcgiFailed(state, error, upstream: address)
                }
            }
        }
    }

    /// The `fastcgi_param`s (`if_not_empty` ones with an empty value left out) and, as
    /// `fastcgi_pass_request_headers on` (nginx's default), every request header as `HTTP_*`
    /// except those a `fastcgi_param HTTP_...` sets, encoded straight into the PARAMS buffer.
    static func fastcgiParams(_ list: [GatewayParam], _ state: RequestState) -> FastCGIParams {
        var params = FastCGIParams(capacity: 1024)
        // `fastcgi_param HTTP_...` names (nginx's header_params): those headers are not passed.
        var explicitHeaders: [String] = []
        for param in list {
            if Self.hasHTTPPrefix(param.name) { explicitHeaders.append(param.name) }
            let value = state.render(param.value)
            if param.ifNotEmpty, value.isEmpty { continue }
            params.append(param.name, value)
        }
        appendHeaderParams(state.request.headers, to: &params, skipping: explicitHeaders)
        // Fields with `_` in their names only under `underscores_in_headers on` (nginx).
        if state.settings.underscoresInHeaders, !state.request.underscoreHeaders.isEmpty {
            appendHeaderParams(state.request.underscoreHeaders, to: &params, skipping: explicitHeaders)
        }
        return params
    }

    private static func appendHeaderParams(_ headers: HTTPHeaderList, to params: inout FastCGIParams, skipping explicitHeaders: [String]) {
        fields: for i in 0..<headers.count {
            let name = headers[i].name
            // Repeated fields go once, joined, where the first one is.
            for j in 0..<i where HTTPHeaderList.equalsIgnoringCase(headers[j].name, name) { continue fields }
            if HTTPHeaderList.equalsIgnoringCase(name, "content-type") || HTTPHeaderList.equalsIgnoringCase(name, "content-length")
                || HTTPHeaderList.equalsIgnoringCase(name, "proxy") {
                // Their own variables; `Proxy` never (httpoxy: HTTP_PROXY would be taken for a proxy setting).
                continue
            }
            if !explicitHeaders.isEmpty, explicitHeaders.contains(where: { Self.isCGIName($0, of: name) }) { continue }
            let separator = HTTPHeaderList.equalsIgnoringCase(name, "cookie") ? "; " : ", "
            params.appendHeader(name, headers.joinedValues(name, separator: separator) ?? headers[i].value)
        }
    }

    /// The request body for a gateway; nil when the request was already answered (413).
    private func gatewayBody(_ state: RequestState) -> PendingBody? {
        let request = state.request
        let limit = Int64(state.settings.clientMaxBodySize.bytes)
        switch request.framing {
        case .none:
            return .ready(.none)
        case .length(let n):
            if limit > 0, n > limit {
                state.log(.error, "client intended to send too large body: \(n) bytes")
                finish(state, Reply(status: 413))
                return nil
            }
            return .read(limit: limit, chunked: false)
        case .chunked:
            return .read(limit: limit, chunked: true)
        }
    }

    enum PendingBody: Sendable {
        case ready(GatewayRequestBody)
        /// To be read whole first (`SpooledRequestBody`).
        case read(limit: Int64, chunked: Bool)
    }

    /// Reads the body whole before the script or upstream starts (nginx's request buffering:
    /// small bodies in memory, larger ones in a temporary file), so a slow client holds no CGI
    /// process or upstream connection and a chunked body gets its `CONTENT_LENGTH`. Returns the
    /// body and, for a chunked one, its length; answers 413/400 itself and returns nil when it
    /// cannot be read.
    func resolveBody(_ pending: PendingBody, _ state: RequestState, _ loop: any EventLoop) async -> (GatewayRequestBody, Int?)? {
        switch pending {
        case .ready(let body):
            return (body, nil)
        case .read(let limit, let chunked):
            do {
                let (body, length) = try await SpooledRequestBody.read(state.request.bodySequence(limit: limit))
                return (body, chunked ? length : nil)
            } catch {
                let tooLarge = (error as? RequestBodyError) == .tooLarge
                loop.execute {
                    if tooLarge {
                        state.log(.error, "client intended to send too large \(chunked ? "chunked " : "")body")
                    } else {
                        state.log(.info, "request body: \(error)")
                    }
                    self.finish(state, Reply(status: tooLarge ? 413 : 400))
                }
                return nil
            }
        }
    }

    /// Turns a gateway response into a reply (or a local redirect) on the event loop.
    func finishGateway(_ state: RequestState, _ response: GatewayResponse) {
        let head = response.head
        if head.isLocalRedirect, let location = head.location {
            // RFC 3875 §6.2.2: the server answers for the new URI itself, as a GET.
            if state.method != .HEAD { state.method = .GET }
            internalRedirect(state, to: location)
            return
        }
        var reply = Reply(status: head.effectiveStatus)
        reply.fromGateway = true
        reply.headers.reserveCapacity(head.headers.count + 1)
        reply.contentType = head.contentType
        if let location = head.location {
            reply.headers.append(name: "Location", value: location.hasPrefix("/") ? absoluteLocation(location, state) : location)
        }
        // fastcgi_hide_header: the location's FastCGI application's fields not to pass on.
        let hidden: Set<String> = if case .fastcgi = state.location.handler { state.settings.fastcgiHideHeaders } else { [] }
        for (name, value) in head.headers where hidden.isEmpty || !hidden.contains(name.lowercased()) {
            reply.headers.append(name: name, value: value)
        }
        if let complete = response.completeBody, complete.readableBytes > 0 {
            // The whole output came with the head (a small FastCGI response): sent as bytes,
            // with a Content-Length, without a streaming task.
            reply.body = .bytes(complete)
        } else {
            reply.body = .stream(response.body, length: head.contentLength)
        }
        finish(state, reply)
    }

    /// A CGI failure before the head, logged with the script's name.
    func gatewayFailed(_ state: RequestState, _ error: GatewayError, what: String) {
        switch error {
        case .timedOut, .connectTimedOut:
            state.log(.error, "\(what) timed out while reading response header")
        case .badGateway(let reason), .connectFailed(let reason, _):
            state.log(.error, "\(what): \(reason)")
        case .busy:
            state.log(.error, "\(what): too many CGI processes (cgi_max_processes)")
        case .requestBody(let reason):
            state.log(.info, "\(what): request body: \(reason)")
        }
        finish(state, Reply(status: error.status))
    }

    /// True when `variable` is `HTTP_` and `header` upper-cased with `-` as `_` (RFC 3875
    /// §4.1.18), compared without building the name.
    static func isCGIName(_ variable: String, of header: String) -> Bool {
        var variable = variable, header = header
        return variable.withUTF8 { v in
            header.withUTF8 { h in
                guard v.count == h.count + 5, hasHTTPPrefix(v) else { return false }
                for i in 0..<h.count {
                    let b = h[i]
                    let expected: UInt8 = switch b {
                    case UInt8(ascii: "-"): UInt8(ascii: "_")
                    case UInt8(ascii: "a")...UInt8(ascii: "z"): b - 32
                    default: b
                    }
                    if v[i + 5] != expected { return false }
                }
                return true
            }
        }
    }

    static func hasHTTPPrefix(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { hasHTTPPrefix($0) }
    }

    private static func hasHTTPPrefix(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        v.count > 5 && v[0] == UInt8(ascii: "H") && v[1] == UInt8(ascii: "T") && v[2] == UInt8(ascii: "T")
            && v[3] == UInt8(ascii: "P") && v[4] == UInt8(ascii: "_")
    }

    /// A FastCGI failure before the head: logged as nginx logs it (`connect() to unix:/x failed
    /// (2: No such file or directory) while connecting to upstream, client: ..., upstream:
    /// "fastcgi://unix:/x:", host: ...`), answered with its status.
    func fastcgiFailed(_ state: RequestState, _ error: GatewayError, upstream: FastCGIAddress) {
        logFastCGIFailure(state, error, upstream: upstream)
        finish(state, Reply(status: error.status))
    }

    private func logFastCGIFailure(_ state: RequestState, _ error: GatewayError, upstream: FastCGIAddress) {
        let level: ConfigDiagnostic.Level = switch error {
        case .connectFailed(_, let critical): critical ? .crit : .error
        case .requestBody: .info
        default: .error
        }
        let log = state.errorLog
        if log.isEnabled(level) {
            var context = state.logContext
            context.upstream = upstream.logName
            log.log(level, error.reason, context: context)
        }
    }
}
