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
            do throws(GatewayError) {
                let response = try await CGIGateway().run(invocation, body: body, on: loop, stderr: stderr)
                loop.execute { self.finishGateway(state, response) }
            } catch {
                loop.execute { self.gatewayFailed(state, error, what: "CGI script \"\(filename)\"") }
            }
        }
    }

    /// `fastcgi_pass`.
    func runFastCGI(_ state: RequestState, _ upstream: FastCGIUpstream) {
        let settings = state.settings
        let address: FastCGIAddress
        switch upstream {
        case .inet(let host, let port): address = .inet(host: host, port: port)
        case .unix(let path): address = .unix(path: path)
        case .app(let name):
            // The master starts the app's processes on this socket (fastcgi_app).
            guard let app = runtime.config.fastcgiApps.first(where: { $0.name == name }) else {
                state.log(.error, "fastcgi_app \"\(name)\" is not defined")
                finish(state, Reply(status: 502))
                return
            }
            address = .unix(path: app.socket)
        }
        var params = GatewayEnvironment.params(settings.fastcgiParams, state)
        // fastcgi_pass_request_headers on (nginx's default): the request headers as HTTP_*.
        GatewayEnvironment.appendHeaders(&params, state, skipExisting: true)
        var invocation = FastCGIInvocation(
            address: address, params: params,
            connectTimeout: .milliseconds(settings.fastcgiConnectTimeout.milliseconds),
            readTimeout: .milliseconds(settings.fastcgiReadTimeout.milliseconds),
            keepConnection: settings.fastcgiKeepConn)
        guard let pending = gatewayBody(state) else { return }
        let log = state.errorLog
        let context = state.logContext
        let loop = state.request.eventLoop
        let stderr: @Sendable (String) -> Void = { line in
            if log.isEnabled(.error) { log.log(.error, line, context: context) }
        }
        if case .ready(.none) = pending {
            // No body to read: the whole exchange up to the head runs on this loop, no task.
            FastCGIGateway().start(invocation, body: .none, on: loop, stderr: stderr).whenComplete { result in
                switch result {
                case .success(let response): self.finishGateway(state, response)
                case .failure(let error):
                    self.gatewayFailed(state, error as? GatewayError ?? .badGateway("\(error)"), what: "upstream \(address)")
                }
            }
            return
        }
        Task {
            guard let (body, chunkedLength) = await self.resolveBody(pending, state, loop) else { return }
            if let chunkedLength {
                // nginx sends the length of the body it buffered.
                GatewayEnvironment.set(&invocation.params, "CONTENT_LENGTH", String(chunkedLength))
            }
            do throws(GatewayError) {
                let response = try await FastCGIGateway().run(invocation, body: body, on: loop, stderr: stderr)
                loop.execute { self.finishGateway(state, response) }
            } catch {
                loop.execute { self.gatewayFailed(state, error, what: "upstream \(address)") }
            }
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

    func gatewayFailed(_ state: RequestState, _ error: GatewayError, what: String) {
        switch error {
        case .timedOut:
            state.log(.error, "\(what) timed out while reading response header")
        case .badGateway(let reason):
            state.log(.error, "\(what): \(reason)")
        case .busy:
            state.log(.error, "\(what): too many CGI processes (cgi_max_processes)")
        case .requestBody(let reason):
            state.log(.info, "\(what): request body: \(reason)")
        }
        finish(state, Reply(status: error.status))
    }
}
