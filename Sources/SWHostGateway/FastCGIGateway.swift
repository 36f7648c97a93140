// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore
import NIOPosix
import Synchronization

/// Where a FastCGI application listens.
public enum FastCGIAddress: Sendable, Hashable {
    case inet(host: String, port: Int)
    case unix(path: String)
}

/// One FastCGI request as the HTTP layer decided it.
public struct FastCGIInvocation: Sendable {
    public var address: FastCGIAddress
    /// The PARAMS, in order (`fastcgi_param` values and the `HTTP_*` request headers).
    public var params: [(name: String, value: String)]
    public var connectTimeout: TimeAmount
    public var readTimeout: TimeAmount
    /// `fastcgi_keep_conn on`: FCGI_KEEP_CONN is set and the connection goes back to `pool`
    /// after END_REQUEST; off, the application closes it after each request.
    public var keepConnection: Bool
    public var pool: FastCGIConnectionPool

    public init(address: FastCGIAddress, params: [(name: String, value: String)],
                connectTimeout: TimeAmount = .seconds(60), readTimeout: TimeAmount = .seconds(60),
                keepConnection: Bool = false, pool: FastCGIConnectionPool = .shared) {
        self.address = address
        self.params = params
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.keepConnection = keepConnection
        self.pool = pool
    }
}

/// The FastCGI client (responder role): a connection per request (or a kept one with
/// `fastcgi_keep_conn`), records written as the request body is read, STDOUT parsed like CGI
/// output and streamed, STDERR to the log.
///
/// Everything up to the response head runs on the request's event loop as future callbacks (no
/// task, no thread hop per step): connect, the request records, and the reads until the head is
/// complete. A body other than none or buffered is fed by a task of its own.
public struct FastCGIGateway: Sendable {
    static let requestID: UInt16 = 1

    public init() {}

    /// `start` from async code.
    public func run(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                    stderr: @escaping @Sendable (String) -> Void) async throws(GatewayError) -> GatewayResponse {
        do {
            return try await loop.flatSubmit { self.start(invocation, body: body, on: loop, stderr: stderr) }.get()
        } catch let error as GatewayError {
            throw error
        } catch {
            throw .badGateway("\(error)")
        }
    }

    /// Sends the request and reads the response head; the future fails with a `GatewayError`.
    /// Call on `loop`. A kept connection (`fastcgi_keep_conn on`) found closed before any byte
    /// of the response came back is replaced once by a new one when the body can be sent again.
    public func start(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                      stderr: @escaping @Sendable (String) -> Void) -> EventLoopFuture<GatewayResponse> {
        loop.preconditionInEventLoop()
        if invocation.keepConnection, let kept = invocation.pool.checkout(invocation.address, on: loop) {
            let replayable: Bool = switch body {
            case .none, .buffered, .spooled: true
            case .stream: false
            }
            let attempt = exchange(invocation, connection: kept, body: body, on: loop, stderr: stderr)
            return attempt.response.flatMapError { error in
                guard replayable, !attempt.exchange.receivedAny, (error as? GatewayError) != .timedOut else {
                    return loop.makeFailedFuture(error)
                }
                return self.connect(invocation, on: loop).flatMap { connection in
                    self.exchange(invocation, connection: connection, body: body, on: loop, stderr: stderr).response
                }
            }
        }
        return connect(invocation, on: loop).flatMap { connection in
            self.exchange(invocation, connection: connection, body: body, on: loop, stderr: stderr).response
        }
    }

    /// A new connection to the invocation's upstream, reading on demand.
    func connect(_ invocation: FastCGIInvocation, on loop: any EventLoop) -> EventLoopFuture<FastCGIConnection> {
        let queue = InboundQueue(loop: loop)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(invocation.connectTimeout)
            .channelOption(.autoRead, value: false)
            .channelInitializer { $0.pipeline.addHandler(queue) }
        let connected: EventLoopFuture<any Channel> = switch invocation.address {
        case .inet(let host, let port): bootstrap.connect(host: host, port: port)
        case .unix(let path): bootstrap.connect(unixDomainSocketPath: path)
        }
        let timeout = invocation.connectTimeout
        let address = invocation.address
        return connected.map { FastCGIConnection(channel: $0, queue: queue) }.flatMapErrorThrowing { error in
            if let channelError = error as? ChannelError, channelError == .connectTimeout(timeout) { throw GatewayError.timedOut }
            throw GatewayError.badGateway("connect() to \(address) failed (\(error)) while connecting to upstream")
        }
    }

    /// One request on `connection`: the records, then the response head.
    func exchange(_ invocation: FastCGIInvocation, connection: FastCGIConnection, body: GatewayRequestBody,
                  on loop: any EventLoop, stderr: @escaping @Sendable (String) -> Void)
        -> (exchange: FastCGIExchange, response: EventLoopFuture<GatewayResponse>) {
        let exchange = FastCGIExchange(
            connection: connection, timeout: invocation.readTimeout, stderr: stderr,
            reuse: invocation.keepConnection ? (invocation.pool, invocation.address) : nil)
        var out = ByteBuffer()
        FastCGIRecord.writeBeginRequest(requestID: Self.requestID, keepConnection: invocation.keepConnection, to: &out)
        FastCGIRecord.writeStream(type: .params, requestID: Self.requestID, data: FastCGIRecord.encodeParams(invocation.params), to: &out)
        FastCGIRecord.writeEnd(type: .params, requestID: Self.requestID, to: &out)
        switch body {
        case .none, .buffered:
            // The whole request in one write.
            if case .buffered(let buffer) = body {
                FastCGIRecord.writeStream(type: .stdin, requestID: Self.requestID, data: buffer, to: &out)
            }
            FastCGIRecord.writeEnd(type: .stdin, requestID: Self.requestID, to: &out)
            let written = loop.makePromise(of: Void.self)
            written.futureResult.whenSuccess { exchange.stdinWritten() }
            connection.channel.writeAndFlush(out, promise: written)
        case .spooled, .stream:
            connection.channel.writeAndFlush(out, promise: nil)
            Task { await Self.feed(body, to: exchange) }
        }
        let response = readHead(exchange, parser: HeadParser(), on: loop).flatMapErrorThrowing { error in
            exchange.close()
            if let error = error as? GatewayError { throw error }
            throw GatewayError.badGateway("\(error) while reading response header from upstream")
        }
        return (exchange, response)
    }

    /// The CGI header parser between reads (the head phase runs on one loop).
    final class HeadParser: @unchecked Sendable {
        // @unchecked: used only on the exchange's event loop.
        var parser = CGIHeaderParser()
    }

    /// Reads STDOUT until the CGI header block is complete. When END_REQUEST has arrived by then
    /// too (a small response), the whole body comes as `completeBody` and the connection is
    /// released at once.
    func readHead(_ exchange: FastCGIExchange, parser: HeadParser, on loop: any EventLoop) -> EventLoopFuture<GatewayResponse> {
        while true {
            switch exchange.poll() {
            case .failure(let error)?:
                return loop.makeFailedFuture(error)
            case .success(nil)?:
                return loop.makeFailedFuture(GatewayError.badGateway(
                    "upstream closed prematurely FastCGI stdout while reading response header from upstream"))
            case .success(let data?)?:
                let progress: CGIHeaderParser.Progress
                do {
                    progress = try parser.parser.feed(data)
                } catch {
                    return loop.makeFailedFuture(error)
                }
                guard case .head(let head, var rest) = progress else { continue }
                var (more, ended) = exchange.drainBuffered()
                rest.writeBuffer(&more)
                if ended, head.contentLength.map({ $0 == Int64(rest.readableBytes) }) ?? true {
                    exchange.finish()
                    return loop.makeSucceededFuture(GatewayResponse(head: head, body: FastCGIOutputStream(exchange: exchange, leftover: ByteBuffer()),
                                                                    completeBody: rest))
                }
                return loop.makeSucceededFuture(GatewayResponse(head: head, body: FastCGIOutputStream(exchange: exchange, leftover: rest)))
            case nil:
                return exchange.connection.queue.nextOnLoop(timeout: exchange.timeout).flatMap { bytes in
                    guard let bytes else {
                        return loop.makeFailedFuture(GatewayError.badGateway(
                            "upstream prematurely closed FastCGI stdout while reading response header from upstream"))
                    }
                    exchange.receive(bytes)
                    return self.readHead(exchange, parser: parser, on: loop)
                }
            }
        }
    }

    /// STDIN records from the request body, then the empty one; the exchange learns when that
    /// last record is written (a kept connection is reusable only then).
    static func feed(_ body: GatewayRequestBody, to exchange: FastCGIExchange) async {
        let channel = exchange.connection.channel
        do {
            switch body {
            case .none:
                break
            case .buffered(let buffer):
                var out = ByteBuffer()
                FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: buffer, to: &out)
                if out.readableBytes > 0 { try await channel.writeAndFlush(out).get() }
            case .stream(let sequence):
                for try await chunk in sequence {
                    var out = ByteBuffer()
                    FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: chunk, to: &out)
                    try await channel.writeAndFlush(out).get()
                }
            case .spooled(let file):
                for try await chunk in file.chunks() {
                    var out = ByteBuffer()
                    FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: chunk, to: &out)
                    try await channel.writeAndFlush(out).get()
                }
            }
            var end = ByteBuffer()
            FastCGIRecord.writeEnd(type: .stdin, requestID: requestID, to: &end)
            let written = channel.eventLoop.makePromise(of: Void.self)
            // On the loop, as the write completes: before any reply to it can be read.
            written.futureResult.whenSuccess { exchange.stdinWritten() }
            channel.writeAndFlush(end, promise: written)
            try await written.futureResult.get()
        } catch {
            // The upstream went away or the client did: the reader side reports it.
            return
        }
    }
}

/// Reads records from one FastCGI connection, demultiplexing STDOUT (returned) from STDERR
/// (logged) until END_REQUEST.
final class FastCGIExchange: Sendable {
    private struct State {
        var parser = FastCGIRecordParser()
        var ended = false
        var closed = false
        var receivedAny = false
        var stdinComplete = false
    }
    private let state = Mutex(State())
    let connection: FastCGIConnection
    let timeout: TimeAmount
    let stderr: @Sendable (String) -> Void
    /// Where the connection goes after a clean END_REQUEST (`fastcgi_keep_conn on`).
    let reuse: (pool: FastCGIConnectionPool, address: FastCGIAddress)?

    init(connection: FastCGIConnection, timeout: TimeAmount, stderr: @escaping @Sendable (String) -> Void,
         reuse: (pool: FastCGIConnectionPool, address: FastCGIAddress)?) {
        self.connection = connection
        self.timeout = timeout
        self.stderr = stderr
        self.reuse = reuse
    }

    /// True once any byte came from the upstream on this exchange.
    var receivedAny: Bool { state.withLock { $0.receivedAny } }

    /// The empty STDIN record is written: the whole request is with the upstream.
    func stdinWritten() {
        state.withLock { $0.stdinComplete = true }
    }

    /// The next STDOUT bytes from what has been received: `.success(nil)` after END_REQUEST,
    /// nil when more bytes are needed. STDERR records go to the log on the way.
    func poll() -> Result<ByteBuffer?, GatewayError>? {
        state.withLock { (s: inout State) -> Result<ByteBuffer?, GatewayError>? in
            do throws(GatewayError) {
                while let record = try s.parser.next() {
                    guard record.requestID == FastCGIGateway.requestID else { continue }
                    switch FastCGIRecord.RecordType(rawValue: record.type) {
                    case .stdout?:
                        if record.content.readableBytes > 0 { return .success(record.content) }
                    case .stderr?:
                        if record.content.readableBytes > 0 {
                            stderr("FastCGI sent in stderr: \"\(String(decoding: record.content.readableBytesView, as: UTF8.self))\"")
                        }
                    case .endRequest?:
                        s.ended = true
                        let status = record.content.getInteger(at: record.content.readerIndex + 4, as: UInt8.self) ?? 0
                        if status != FastCGIRecord.ProtocolStatus.requestComplete.rawValue {
                            return .failure(.badGateway("upstream rejected the request (FastCGI protocol status \(status))"))
                        }
                        return .success(nil)
                    default:
                        continue
                    }
                }
                if s.ended { return .success(nil) }
                return nil
            } catch {
                return .failure(error)
            }
        }
    }

    /// Bytes read from the connection.
    func receive(_ bytes: ByteBuffer) {
        state.withLock {
            $0.receivedAny = true
            $0.parser.feed(bytes)
        }
    }

    /// Every STDOUT byte already received, and whether END_REQUEST is among them (a rejected
    /// request after the head counts as not ended: the stream then reports it).
    func drainBuffered() -> (ByteBuffer, ended: Bool) {
        var collected = ByteBuffer()
        while true {
            switch poll() {
            case .success(var data?)?: collected.writeBuffer(&data)
            case .success(nil)?: return (collected, true)
            case .failure?, nil: return (collected, false)
            }
        }
    }

    /// The next STDOUT bytes; nil after END_REQUEST. Throws when the connection ends first.
    func nextStdout() async throws -> ByteBuffer? {
        while true {
            if let outcome = poll() { return try outcome.get() }
            guard let bytes = try await connection.queue.next(timeout: timeout) else {
                throw GatewayError.badGateway("upstream prematurely closed FastCGI stdout while reading upstream")
            }
            receive(bytes)
        }
    }

    func close() {
        let first = state.withLock { s in
            defer { s.closed = true }
            return !s.closed
        }
        if first { connection.channel.close(promise: nil) }
    }

    /// The response was read to its END_REQUEST: a kept connection goes back to its pool when
    /// the request was fully written and nothing follows the END_REQUEST; else it is closed.
    func finish() {
        let (first, reusable) = state.withLock { s -> (Bool, Bool) in
            guard !s.closed else { return (false, false) }
            s.closed = true
            return (true, s.ended && s.stdinComplete && !s.parser.hasBufferedBytes)
        }
        guard first else { return }
        guard let reuse, reusable else {
            connection.channel.close(promise: nil)
            return
        }
        let connection = self.connection
        let loop = connection.channel.eventLoop
        loop.execute { reuse.pool.checkin(connection, reuse.address, on: loop) }
    }
}

/// A FastCGI response body: STDOUT records after the header block, until END_REQUEST.
final class FastCGIOutputStream: ResponseBodyStream {
    private let exchange: FastCGIExchange
    private let leftover: Mutex<ByteBuffer?>

    init(exchange: FastCGIExchange, leftover: ByteBuffer) {
        self.exchange = exchange
        self.leftover = Mutex(leftover.readableBytes > 0 ? leftover : nil)
    }

    func next() async throws -> ByteBuffer? {
        if let first = leftover.withLock({ value -> ByteBuffer? in
            defer { value = nil }
            return value
        }) {
            return first
        }
        do {
            if let chunk = try await exchange.nextStdout() { return chunk }
            exchange.finish()
            return nil
        } catch {
            if case GatewayError.timedOut = error {
                exchange.stderr("upstream timed out while reading upstream")
            } else {
                exchange.stderr("\(error)")
            }
            exchange.close()
            throw error
        }
    }

    deinit {
        exchange.close()
    }
}
