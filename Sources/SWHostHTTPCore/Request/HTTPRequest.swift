// swhost: HTTP transport.

import NIOCore

/// One parsed request, handed to `HTTPResponder.respond(to:writer:)`.
///
/// Immutable apart from the body, which is read through `readBody(limit:_:)`; the body methods may
/// be called from any thread (they hop to the connection's event loop).
public final class HTTPRequest: Sendable {
    public let method: HTTPMethod
    /// The request-target as received.
    public let target: String
    /// The target split and normalised (`$request_uri`, `$uri`, `$args`). Targets that fail
    /// normalisation were already answered 400 by the core.
    public let uri: NormalizedURI
    public let version: HTTPVersion
    /// Visible header fields (`$http_*`), names as received.
    public let headers: HTTPHeaderList
    /// Fields whose names contain `_`, ignored under `underscores_in_headers off` (nginx's default);
    /// the HTTP layer may merge them back for servers with `underscores_in_headers on`.
    public let underscoreHeaders: HTTPHeaderList
    /// Host from the absolute-form target or `Host`, lower-cased, without port; may be empty on HTTP/1.0.
    public let host: String
    /// The client asked for a persistent connection (version default + `Connection`). The writer
    /// may still close (limits, quiesce, unread body).
    public let keepAlive: Bool
    public let connection: ConnectionInfo
    /// The body framing: none, `Content-Length`, or chunked.
    public let framing: RequestFraming
    /// `Expect: 100-continue` was sent (the core answers `100 Continue` on the first `readBody`).
    public let expectsContinue: Bool

    let handler: LoopConfined<HTTPConnectionHandler>
    /// The connection's event loop (callbacks of blocking work offloaded by the HTTP layer come back here).
    public let eventLoop: any EventLoop

    init(head: RequestHead, uri: NormalizedURI, connection: ConnectionInfo, handler: LoopConfined<HTTPConnectionHandler>, eventLoop: any EventLoop) {
        self.method = head.method
        self.target = head.target
        self.uri = uri
        self.version = head.version
        self.headers = head.headers
        self.underscoreHeaders = head.underscoreHeaders
        self.host = head.host
        self.keepAlive = head.keepAlive
        self.framing = head.framing
        self.expectsContinue = head.expectsContinue
        self.connection = connection
        self.handler = handler
        self.eventLoop = eventLoop
    }

    /// `Content-Length` when the body has one; nil for chunked bodies; 0 without a body.
    public var bodyContentLength: Int64? {
        switch framing {
        case .none: 0
        case .length(let n): n
        case .chunked: nil
        }
    }

    /// True when a body follows the head.
    public var hasBody: Bool { framing != .none }

    /// Starts reading the body, delivering it to `handler` on the event loop chunk by chunk.
    ///
    /// `limit` is `client_max_body_size` (0 = unlimited). A `Content-Length` over it fails at once
    /// with `.tooLarge` without reading anything; a chunked body fails when it grows past it.
    /// Return `.pause` from the handler to stop reading from the socket; `resumeBody()` resumes.
    /// Call at most once per request.
    public func readBody(limit: Int64, _ handler: @escaping @Sendable (RequestBodyEvent) -> BodyDemand) {
        onLoop { $0.startBody(limit: limit, consumer: handler) }
    }

    /// Resumes a body paused by returning `.pause`.
    public func resumeBody() {
        onLoop { $0.resumeBody() }
    }

    /// Reads the whole body into memory (for small bodies: forms, auth checks).
    public func collectBody(limit: Int64) -> EventLoopFuture<ByteBuffer> {
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        let box = NIOLoopBoundBox.makeBoxSendingValue(ByteBuffer(), eventLoop: eventLoop)
        readBody(limit: limit) { event in
            switch event {
            case .chunk(var b): box.value.writeBuffer(&b)
            case .end: promise.succeed(box.value)
            case .failure(let e): promise.fail(e)
            }
            return .more
        }
        return promise.futureResult
    }

    private func onLoop(_ body: @escaping @Sendable (HTTPConnectionHandler) -> Void) {
        if eventLoop.inEventLoop {
            body(handler.value)
        } else {
            let handler = self.handler
            eventLoop.execute { body(handler.value) }
        }
    }
}
