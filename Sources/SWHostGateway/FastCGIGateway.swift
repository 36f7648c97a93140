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

/// The FastCGI client (responder role): one connection per request, records written as the
/// request body arrives, STDOUT parsed like CGI output and streamed, STDERR to the log.
public struct FastCGIGateway: Sendable {
    static let requestID: UInt16 = 1

    public init() {}

    public func run(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                    stderr: @escaping @Sendable (String) -> Void) async throws(GatewayError) -> GatewayResponse {
        var pooled: FastCGIConnection?
        if invocation.keepConnection {
            pooled = try? await loop.submit { invocation.pool.checkout(invocation.address, on: loop) }.get()
        }
        var stale = false
        do {
            return try await exchange(invocation, connection: pooled, body: body, on: loop, stderr: stderr, stale: &stale)
        } catch {
            guard stale else { throw error }
            // A kept connection the upstream had closed, found before anything came back: once
            // more on a fresh one (the body was not consumed: see `exchange`).
            return try await exchange(invocation, connection: nil, body: body, on: loop, stderr: stderr, stale: &stale)
        }
    }

    /// A new connection to the invocation's upstream, reading on demand.
    func connect(_ invocation: FastCGIInvocation, on loop: any EventLoop) async throws(GatewayError) -> FastCGIConnection {
        let queue = InboundQueue(loop: loop)
        do {
            let bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(invocation.connectTimeout)
                .channelOption(.autoRead, value: false)
                .channelInitializer { $0.pipeline.addHandler(queue) }
            switch invocation.address {
            case .inet(let host, let port):
                return FastCGIConnection(channel: try await bootstrap.connect(host: host, port: port).get(), queue: queue)
            case .unix(let path):
                return FastCGIConnection(channel: try await bootstrap.connect(unixDomainSocketPath: path).get(), queue: queue)
            }
        } catch let error as ChannelError where error == .connectTimeout(invocation.connectTimeout) {
            throw .timedOut
        } catch {
            throw .badGateway("connect() to \(invocation.address) failed (\(error)) while connecting to upstream")
        }
    }

    /// One request on `connection` (a kept one) or a new connection. Sets `stale` when it fails
    /// on a kept connection before any byte came back and the body can be sent again (none, or
    /// buffered): the upstream had closed the connection, the request may be retried.
    func exchange(_ invocation: FastCGIInvocation, connection kept: FastCGIConnection?, body: GatewayRequestBody,
                  on loop: any EventLoop, stderr: @escaping @Sendable (String) -> Void,
                  stale: inout Bool) async throws(GatewayError) -> GatewayResponse {
        let connection = if let kept { kept } else { try await connect(invocation, on: loop) }
        let channel = connection.channel
        let retryable: Bool = switch body {
        case .none, .buffered, .spooled: kept != nil
        case .stream: false
        }

        var head = ByteBuffer()
        FastCGIRecord.writeBeginRequest(requestID: Self.requestID, keepConnection: invocation.keepConnection, to: &head)
        FastCGIRecord.writeStream(type: .params, requestID: Self.requestID, data: FastCGIRecord.encodeParams(invocation.params), to: &head)
        FastCGIRecord.writeEnd(type: .params, requestID: Self.requestID, to: &head)
        let exchange = FastCGIExchange(
            connection: connection, timeout: invocation.readTimeout, stderr: stderr,
            reuse: invocation.keepConnection ? (invocation.pool, invocation.address) : nil)
        channel.writeAndFlush(head, promise: nil)
        Task { await Self.feed(body, to: exchange) }

        var parser = CGIHeaderParser()
        while true {
            let data: ByteBuffer?
            do {
                data = try await exchange.nextStdout()
            } catch let error as GatewayError {
                exchange.close()
                stale = retryable && !exchange.receivedAny && error != .timedOut
                throw error
            } catch {
                exchange.close()
                stale = retryable && !exchange.receivedAny
                throw .badGateway("\(error) while reading response header from upstream")
            }
            guard let data else {
                exchange.close()
                stale = retryable && !exchange.receivedAny
                throw .badGateway("upstream closed prematurely FastCGI stdout while reading response header from upstream")
            }
            let progress: CGIHeaderParser.Progress
            do {
                progress = try parser.feed(data)
            } catch {
                exchange.close()
                throw error
            }
            if case .head(let responseHead, let rest) = progress {
                return GatewayResponse(head: responseHead, body: FastCGIOutputStream(exchange: exchange, leftover: rest))
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

    /// The next STDOUT bytes; nil after END_REQUEST. Throws when the connection ends first.
    func nextStdout() async throws -> ByteBuffer? {
        while true {
            let outcome = state.withLock { (s: inout State) -> Result<ByteBuffer?, GatewayError>? in
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
            if let outcome { return try outcome.get() }
            guard let bytes = try await connection.queue.next(timeout: timeout) else {
                throw GatewayError.badGateway("upstream prematurely closed FastCGI stdout while reading upstream")
            }
            state.withLock {
                $0.receivedAny = true
                $0.parser.feed(bytes)
            }
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
