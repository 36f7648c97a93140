// swhost: Swift handlers.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SWHostConfig
import SWHostHTTPCore
import SWHostKit
import SWHostStatic
import Synchronization

/// The content phase of `swift_handler NAME [key=value ...];`: the handler runs as a Swift task
/// (never on the event loop), bounded by `swift_handler_timeout`; its response goes through the
/// same filters as a static file's (`finish`).
extension RequestProcessor {
    func runSwiftHandler(_ state: RequestState, name: String, parameters: [SwiftHandlerParameter]) {
        let resolved: SwiftHandlerCache.Resolved
        do {
            resolved = try SwiftHandlerCache.handler(for: state.location, in: state.locationRuntime, name: name, parameters: parameters)
        } catch {
            // Only reachable when -t was skipped for this handler (a module missing at reload).
            state.log(.error, "swift_handler \"\(name)\": \(error.message)")
            finish(state, Reply(status: 500))
            return
        }
        let handler = resolved.handler
        let request = makeHandlerRequest(state, parameters: resolved.parameters, locationText: resolved.locationText)
        let eventLoop = state.request.eventLoop
        let prefix = runtime.prefix
        // Named in the worker's last words should the handler trap (SwiftHandlerCrashReport).
        let crashSlot = SwiftHandlerCrashReport.begin(state, name: name)
        // The synchronous fast path: no task, no thread hop, no timeout timer.
        let immediate = handler.immediateResponse(to: request)
        if let immediate {
            SwiftHandlerCrashReport.end(crashSlot)
            if case .file = immediate.body {
                // Opening a file may block: not on the event loop.
                Task {
                    let reply = Self.reply(for: immediate, prefix: prefix, handlerName: name, logger: request.logger)
                    eventLoop.execute { self.finish(state, reply) }
                }
            } else {
                finish(state, Self.reply(for: immediate, prefix: prefix, handlerName: name, logger: request.logger))
            }
            return
        }
        let race = AnswerRace()
        let task = Task {
            let result: Result<HandlerResponse, any Error>
            do {
                result = .success(try await handler.handle(request))
            } catch {
                result = .failure(error)
            }
            SwiftHandlerCrashReport.end(crashSlot)
            // Exactly one of the handler and the timeout answers; a handler that lost to the
            // timeout (typically with CancellationError) is not logged a second time.
            guard race.claim() else { return }
            let reply = switch result {
            case .success(let response): Self.reply(for: response, prefix: prefix, handlerName: name, logger: request.logger)
            case .failure(let error): Self.reply(for: error, handlerName: name, logger: request.logger)
            }
            eventLoop.execute {
                race.cancelTimer()
                self.finish(state, reply)
            }
        }
        let timeout = state.settings.swiftHandlerTimeout.milliseconds
        guard timeout > 0 else { return }
        race.setTimer(eventLoop.scheduleTask(in: .milliseconds(timeout)) {
            guard race.claim() else { return }
            task.cancel()
            state.log(.error, "swift_handler \"\(name)\" timed out after \(timeout)ms")
            self.finish(state, Reply(status: 504))
        })
    }

    /// The Kit view of the request: copies of the request line and headers, the location's error
    /// log, and a body read only if the handler iterates it.
    private func makeHandlerRequest(_ state: RequestState, parameters: HandlerParameters, locationText: String) -> HandlerRequest {
        let http = state.request
        let errorLog = state.errorLog
        // The context is built only when a line is written; `logContext` reads only immutable
        // fields of the state (request, server), so any thread may call it.
        let logger = HandlerLogger { level, message in
            let level = ConfigDiagnostic.Level(rawValue: level.rawValue) ?? .error
            if errorLog.isEnabled(level) { errorLog.log(level, message, context: state.logContext) }
        }
        var headers = HandlerHeaders()
        for field in http.headers { headers.add(name: field.name, value: field.value) }
        let body: HandlerRequestBody
        if http.hasBody {
            let reader = LazyRequestBody(request: http, limit: Int64(state.settings.clientMaxBodySize.bytes))
            body = HandlerRequestBody(length: http.bodyContentLength) { try await reader.next() }
        } else {
            body = .empty
        }
        return HandlerRequest(
            method: state.method.rawValue, uri: http.target, path: state.uri, query: state.hasArgs ? state.args : "",
            httpVersion: http.version.description, headers: headers,
            remoteAddress: http.connection.remoteAddress, remotePort: http.connection.remotePort,
            host: http.host, serverName: state.server.primaryName, location: locationText,
            parameters: parameters, logger: logger, body: body
        )
    }

    /// Header fields the transport and the filters own; a handler's values for them are dropped.
    private static let reservedHeaders: Set<String> = [
        "content-length", "transfer-encoding", "connection", "date", "server", "keep-alive",
        "content-type", "etag", "last-modified",
    ]

    /// Converts a handler's response (on the handler's task: opening a file may block).
    static func reply(for response: HandlerResponse, prefix: String, handlerName: String, logger: HandlerLogger) -> Reply {
        var reply = Reply(status: response.status)
        reply.contentType = response.contentType ?? response.headers["content-type"]
        reply.etag = response.etag.map { ETag(rawValue: $0) }
        reply.lastModified = response.lastModified
        for (name, value) in response.headers where !reservedHeaders.contains(name.lowercased()) {
            reply.headers.append(name: name, value: value)
        }
        switch response.body {
        case .empty:
            reply.body = .empty
        case .bytes(let bytes):
            reply.body = .bytes(ByteBuffer(bytes: bytes))
            reply.allowRanges = response.allowRanges
        case .file(let path):
            let full = path.hasPrefix("/") ? path : prefix + path
            let fd = Glibc.open(full, O_RDONLY | O_CLOEXEC)
            guard fd >= 0, let file = OpenFile(adopting: fd) else {
                let code = errno
                logger.error("swift_handler \"\(handlerName)\": open() \"\(full)\" failed (\(code): \(String(cString: strerror(code))))")
                return Reply(status: code == ENOENT || code == ENOTDIR ? 404 : code == EACCES ? 403 : 500)
            }
            reply.file = file
            reply.body = .file(FileBody(file: file))
            reply.allowRanges = response.allowRanges
        case .stream(let length, let producer):
            reply.body = .stream(SwiftHandlerStream(producer: producer), length: length)
        }
        return reply
    }

    /// The status for an error a handler threw: body errors keep their HTTP meaning; anything
    /// else is the handler's failure (500, logged with its name; the text never reaches the client).
    static func reply(for error: any Error, handlerName: String, logger: HandlerLogger) -> Reply {
        switch error {
        case HandlerBodyError.tooLarge:
            logger.error("client intended to send too large body")
            return Reply(status: 413)
        case HandlerBodyError.malformed:
            return Reply(status: 400)
        case HandlerBodyError.timedOut:
            logger.info("client timed out while reading the body for swift_handler \"\(handlerName)\"")
            return Reply(status: 408)
        case HandlerBodyError.connectionClosed:
            logger.info("client closed the connection while swift_handler \"\(handlerName)\" read the body")
            var reply = Reply(status: 400)
            reply.closeWithoutResponse = true
            return reply
        default:
            logger.error("swift_handler \"\(handlerName)\" failed: \(error)")
            return Reply(status: 500)
        }
    }
}

/// Decides whether the handler or the timeout answers: the first to claim wins.
/// The timeout timer is cancelled when the handler wins, so a finished request holds no timer
/// (and no request state) for the rest of `swift_handler_timeout`.
private final class AnswerRace: Sendable {
    private let answered = Atomic<Bool>(false)
    private let timer = Mutex<Scheduled<Void>?>(nil)
    private let timerCancelled = Atomic<Bool>(false)

    func claim() -> Bool {
        answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    func setTimer(_ scheduled: Scheduled<Void>) {
        timer.withLock { $0 = scheduled }
        // The handler may have answered before the timer was stored.
        if timerCancelled.load(ordering: .acquiring) { scheduled.cancel() }
    }

    func cancelTimer() {
        timerCancelled.store(true, ordering: .releasing)
        timer.withLock { t in
            t?.cancel()
            t = nil
        }
    }
}
