// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore

/// Where a FastCGI application listens.
public enum FastCGIAddress: Sendable, Hashable {
    case inet(host: String, port: Int)
    case unix(path: String)
}

/// One FastCGI request as the HTTP layer decided it.
public struct FastCGIInvocation: Sendable {
    public var address: FastCGIAddress
    /// The PARAMS, encoded (`fastcgi_param` values and the `HTTP_*` request headers).
    public var encodedParams: FastCGIParams
    public var connectTimeout: TimeAmount
    public var readTimeout: TimeAmount
    /// `fastcgi_keep_conn on`: FCGI_KEEP_CONN is set and the connection goes back to `pool`
    /// after END_REQUEST; off, the application closes it after each request.
    public var keepConnection: Bool
    public var pool: FastCGIConnectionPool

    public init(address: FastCGIAddress, encodedParams: FastCGIParams,
                connectTimeout: TimeAmount = .seconds(60), readTimeout: TimeAmount = .seconds(60),
                keepConnection: Bool = false, pool: FastCGIConnectionPool = .shared) {
        self.address = address
        self.encodedParams = encodedParams
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.keepConnection = keepConnection
        self.pool = pool
    }

    /// The PARAMS as pairs, in order.
    public init(address: FastCGIAddress, params: [(name: String, value: String)],
                connectTimeout: TimeAmount = .seconds(60), readTimeout: TimeAmount = .seconds(60),
                keepConnection: Bool = false, pool: FastCGIConnectionPool = .shared) {
        self.init(address: address, encodedParams: FastCGIParams(params), connectTimeout: connectTimeout,
                  readTimeout: readTimeout, keepConnection: keepConnection, pool: pool)
    }

    /// The PARAMS as pairs (decoded; for tests).
    public var params: [(name: String, value: String)] { encodedParams.pairs }
}

/// The FastCGI client (responder role): a socket per request (or a kept one with
/// `fastcgi_keep_conn`), the request records written in one `send` when the body is none or
/// buffered, STDOUT parsed like CGI output and streamed, STDERR to the log.
///
/// Upstream sockets are not NIO channels: `GatewayReactor` watches them and `FastCGIExchange`
/// reads and writes them with plain system calls; the response head reaches the request's
/// event loop with one `execute`. A body other than none or buffered is fed by a task of its own.
public struct FastCGIGateway: Sendable {
    static let requestID: UInt16 = 1

    public init() {}

    /// `start` from async code.
    public func run(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                    stderr: @escaping @Sendable (String) -> Void) async throws(GatewayError) -> GatewayResponse {
        do {
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<GatewayResponse, any Error>) in
                start(invocation, body: body, on: loop, stderr: stderr) { continuation.resume(with: $0.mapError { $0 }) }
            }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw .badGateway("\(error)")
        }
    }

    /// Sends the request and reads the response head; the future fails with a `GatewayError`.
    public func start(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                      stderr: @escaping @Sendable (String) -> Void) -> EventLoopFuture<GatewayResponse> {
        let promise = loop.makePromise(of: GatewayResponse.self)
        start(invocation, body: body, on: loop, stderr: stderr) { promise.completeWith($0.mapError { $0 }) }
        return promise.futureResult
    }

    /// Sends the request and reads the response head; `completion` runs on `loop` with the head
    /// or the failure. May be called on any thread (usually `loop`: the connect and the first
    /// write happen on the calling thread, as nginx does them in its worker). A kept connection
    /// (`fastcgi_keep_conn on`) found closed before any byte of the response came back is
    /// replaced once by a new one when the body can be sent again.
    public func start(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                      stderr: @escaping @Sendable (String) -> Void,
                      completion: @escaping @Sendable (Result<GatewayResponse, GatewayError>) -> Void) {
        let kept = invocation.keepConnection ? invocation.pool.checkout(invocation.address) : nil
        var retry: (@Sendable () -> Void)?
        if kept != nil {
            switch body {
            case .none, .buffered, .spooled:
                retry = { attempt(invocation, body: body, connection: nil, on: loop, stderr: stderr, completion: completion) }
            case .stream:
                retry = nil
            }
        }
        attempt(invocation, body: body, connection: kept, on: loop, stderr: stderr, completion: completion, retry: retry)
    }

    /// One request on `connection` (kept) or on a new socket.
    @discardableResult
    func attempt(_ invocation: FastCGIInvocation, body: GatewayRequestBody, connection: FastCGIKeptConnection?,
                 on loop: any EventLoop, stderr: @escaping @Sendable (String) -> Void,
                 completion: @escaping @Sendable (Result<GatewayResponse, GatewayError>) -> Void,
                 retry: (@Sendable () -> Void)? = nil) -> FastCGIExchange {
        let exchange = FastCGIExchange(
            loop: loop, readTimeout: invocation.readTimeout, connectTimeout: invocation.connectTimeout, stderr: stderr,
            reuse: invocation.keepConnection ? (invocation.pool, invocation.address) : nil, reused: connection != nil)
        let params = invocation.encodedParams.buffer
        var out = ByteBufferAllocator().buffer(capacity: params.readableBytes + 64 + bodySize(body))
        FastCGIRecord.writeBeginRequest(requestID: Self.requestID, keepConnection: invocation.keepConnection, to: &out)
        FastCGIRecord.writeStream(type: .params, requestID: Self.requestID, data: params, to: &out)
        FastCGIRecord.writeEnd(type: .params, requestID: Self.requestID, to: &out)
        let complete: Bool
        switch body {
        case .none, .buffered:
            // The whole request in one write.
            if case .buffered(let buffer) = body {
                FastCGIRecord.writeStream(type: .stdin, requestID: Self.requestID, data: buffer, to: &out)
            }
            FastCGIRecord.writeEnd(type: .stdin, requestID: Self.requestID, to: &out)
            complete = true
        case .spooled, .stream:
            complete = false
        }
        exchange.begin(out, complete: complete, address: invocation.address, connection: connection, onHead: completion,
                       onRetry: retry)
        if !complete {
            Task { await Self.feed(body, to: exchange) }
        }
        return exchange
    }

    private func bodySize(_ body: GatewayRequestBody) -> Int {
        if case .buffered(let buffer) = body { return buffer.readableBytes + (buffer.readableBytes / FastCGIRecord.maxContent + 1) * 16 }
        return 0
    }

    /// STDIN records from the request body, then the empty one.
    static func feed(_ body: GatewayRequestBody, to exchange: FastCGIExchange) async {
        do {
            switch body {
            case .none, .buffered:
                break
            case .stream(let sequence):
                for try await chunk in sequence {
                    var out = ByteBuffer()
                    FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: chunk, to: &out)
                    try await exchange.send(out, last: false)
                }
            case .spooled(let file):
                for try await chunk in file.chunks() {
                    var out = ByteBuffer()
                    FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: chunk, to: &out)
                    try await exchange.send(out, last: false)
                }
            }
            var end = ByteBuffer()
            FastCGIRecord.writeEnd(type: .stdin, requestID: requestID, to: &end)
            try await exchange.send(end, last: true)
        } catch {
            // The upstream went away or the client did: the reader side reports it.
            exchange.close()
            return
        }
    }
}
