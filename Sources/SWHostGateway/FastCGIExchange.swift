// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import NIOCore
import SWHostHTTPCore
import Synchronization

/// One FastCGI request on one upstream socket: the request records go out, the response
/// records come in and are demultiplexed (STDOUT parsed like CGI output, STDERR to the log)
/// until END_REQUEST. Driven by `GatewayReactor` events and by its two users: the request body
/// feeder (`send`) and the response body reader (`nextStdout`); whichever holds the lock reads
/// or writes the socket. The head goes to the request's event loop with one `execute`.
///
/// A small response (head, body and END_REQUEST in one read, a PHP page) completes in that one
/// reactor callback and the socket is closed or kept at once; a longer one is read ahead up to
/// `highWater` bytes and then only as the body reader drains it, so a slow client slows the
/// upstream down instead of filling memory.
final class FastCGIExchange: GatewayReactorClient, Sendable {
    typealias HeadHandler = @Sendable (Result<GatewayResponse, GatewayError>) -> Void

    /// STDOUT bytes read ahead of the body reader before reading pauses, and the level at
    /// which it resumes.
    static let highWater = 64 * 1024
    static let lowWater = 16 * 1024
    /// Request bytes queued before the body feeder waits for the upstream to take them.
    static let sendHighWater = 256 * 1024

    struct State {
        var fd: Int32 = -1
        var token: UInt64 = 0
        var connecting = false
        var closed = false
        /// Request records not yet written, and whether the empty STDIN record is among them.
        var output = ByteBuffer()
        var outputComplete = false
        var stdinWritten = false
        var records = FastCGIRecordParser()
        /// Until the head is out: its parser and where it goes.
        var head: CGIHeaderParser? = CGIHeaderParser()
        var onHead: HeadHandler?
        /// A kept socket that fails before any response byte: the request goes again on a new one.
        var onRetry: (@Sendable () -> Void)?
        var stdout = CircularBuffer<ByteBuffer>(initialCapacity: 4)
        var bufferedBytes = 0
        var ended = false
        /// Why the body stream fails (after the head).
        var failure: GatewayError?
        var receivedAny = false
        /// Monotonic nanoseconds; 0: nothing awaited.
        var deadline: UInt64 = 0
        var reader: CheckedContinuation<ByteBuffer?, any Error>?
        var writer: CheckedContinuation<Void, any Error>?
        var readSize = 4096
        /// Reading paused at `highWater` with bytes possibly left in the socket.
        var stalled = false
        /// EPOLLOUT is in the socket's interest (connecting, or request bytes waiting).
        var watchingWrites = false
        var paused: Bool { head == nil && !ended && bufferedBytes >= FastCGIExchange.highWater }
    }

    /// What to do once the lock is released (callbacks must not run under it).
    struct Effects {
        var head: (HeadHandler, Result<GatewayResponse, GatewayError>)?
        var retry: (@Sendable () -> Void)?
        var stderrLines: [String]?
        var reader: (CheckedContinuation<ByteBuffer?, any Error>, Result<ByteBuffer?, any Error>)?
        var writer: (CheckedContinuation<Void, any Error>, Result<Void, any Error>)?

        mutating func log(_ line: String) {
            if stderrLines == nil { stderrLines = [] }
            stderrLines!.append(line)
        }
    }

    private let state = Mutex(State())
    let loop: any EventLoop
    let readTimeout: UInt64
    let connectTimeout: UInt64
    let stderr: @Sendable (String) -> Void
    /// Where the socket goes after a clean END_REQUEST (`fastcgi_keep_conn on`).
    let reuse: (pool: FastCGIConnectionPool, address: FastCGIAddress)?
    /// The socket came from the pool: a failure before any response byte may be retried.
    let reused: Bool
    let reactor: GatewayReactor

    init(loop: any EventLoop, readTimeout: TimeAmount, connectTimeout: TimeAmount, stderr: @escaping @Sendable (String) -> Void,
         reuse: (pool: FastCGIConnectionPool, address: FastCGIAddress)?, reused: Bool, reactor: GatewayReactor = .shared) {
        self.loop = loop
        self.readTimeout = UInt64(max(1, readTimeout.nanoseconds))
        self.connectTimeout = UInt64(max(1, connectTimeout.nanoseconds))
        self.stderr = stderr
        self.reuse = reuse
        self.reused = reused
        self.reactor = reactor
    }

    /// True once any byte came from the upstream.
    var receivedAny: Bool { state.withLock { $0.receivedAny } }

    // MARK: Starting

    /// Sends `output` (the request records; `complete` when the empty STDIN record is among
    /// them) on `connection`, a kept socket, or on a new one to `address`; `onHead` runs on the
    /// loop with the response head or the failure.
    func begin(_ output: ByteBuffer, complete: Bool, address: FastCGIAddress, connection: FastCGIKeptConnection?,
               onHead: @escaping HeadHandler, onRetry: (@Sendable () -> Void)? = nil) {
        var effects = Effects()
        if let connection {
            state.withLock { s in
                s.onHead = onHead
                s.onRetry = onRetry
                s.output = output
                s.outputComplete = complete
                s.fd = connection.fd
                s.token = connection.token
                reactor.reassign(connection.token, to: self)
                s.deadline = FastCGISocket.now() + readTimeout
                flush(&s, &effects)
                // Whatever arrived while it sat in the pool (an EOF) is read now.
                if !s.closed { readAvailable(&s, &effects) }
            }
            run(effects)
            return
        }
        var output = output
        var connecting = false
        let fd: Int32
        switch FastCGISocket.connect(address) {
        case .failed(let message):
            state.withLock { s in
                s.onHead = onHead
                fail(&s, &effects, .connectFailed("\(message) while connecting to upstream", critical: !message.contains("(111:")))
            }
            run(effects)
            return
        case .connected(let socket):
            fd = socket
            // The socket is not shared yet: the request goes out before the reactor sees it.
            let error = FastCGISocket.send(fd, &output)
            if error != 0 {
                Glibc.close(fd)
                state.withLock { s in
                    s.onHead = onHead
                    fail(&s, &effects, .badGateway("send() failed (\(error): \(FastCGISocket.errorText(error))) while sending request to upstream"))
                }
                run(effects)
                return
            }
        case .inProgress(let socket):
            fd = socket
            connecting = true
        }
        let writable = connecting || output.readableBytes > 0 || !complete
        let token = reactor.reserve(self)
        state.withLock { s in
            s.onHead = onHead
            s.onRetry = onRetry
            s.fd = fd
            s.token = token
            s.connecting = connecting
            s.watchingWrites = writable
            s.output = output
            s.outputComplete = complete
            s.stdinWritten = complete && output.readableBytes == 0
            s.deadline = FastCGISocket.now() + (connecting ? connectTimeout : readTimeout)
        }
        guard reactor.add(fd, token, writable: writable) else {
            let error = errno
            state.withLock { s in
                fail(&s, &effects, .badGateway("epoll_ctl() failed (\(error): \(FastCGISocket.errorText(error))) while connecting to upstream"))
            }
            run(effects)
            return
        }
    }

    // MARK: Reactor events

    func handle(events: UInt32) -> Bool {
        var effects = Effects()
        state.withLock { s in
            guard !s.closed else { return }
            if s.connecting {
                guard events & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else { return }
                let error = FastCGISocket.pendingError(s.fd)
                if error != 0 {
                    fail(&s, &effects, .connectFailed(
                        "connect() failed (\(error): \(FastCGISocket.errorText(error))) while connecting to upstream",
                        critical: error != ECONNREFUSED))
                    return
                }
                s.connecting = false
                s.deadline = FastCGISocket.now() + readTimeout
            }
            if events & EPOLLOUT.rawValue != 0, s.output.readableBytes > 0 {
                flush(&s, &effects)
            }
            if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                readAvailable(&s, &effects)
            }
        }
        run(effects)
        return true
    }

    func checkDeadline(now: UInt64) {
        var effects = Effects()
        state.withLock { s in
            guard !s.closed, s.deadline != 0, now >= s.deadline else { return }
            fail(&s, &effects, s.connecting ? .connectTimedOut : .timedOut)
        }
        run(effects)
    }

    // MARK: Request body (spooled or streamed bodies)

    /// Queues request records; waits while more than `sendHighWater` bytes are queued. Throws
    /// when the exchange failed or was closed.
    func send(_ records: ByteBuffer, last: Bool) async throws {
        var effects = Effects()
        let mustWait = try state.withLock { s throws(GatewayError) -> Bool in
            if let failure = s.failure { throw failure }
            if s.closed { throw GatewayError.badGateway("upstream connection closed") }
            var records = records
            s.output.writeBuffer(&records)
            if last { s.outputComplete = true }
            if !s.connecting { flush(&s, &effects) }
            return s.output.readableBytes > Self.sendHighWater && !s.closed
        }
        run(effects)
        guard mustWait else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready: Result<Void, any Error>? = state.withLock { s in
                if let failure = s.failure { return .failure(failure) }
                if s.closed { return .failure(GatewayError.badGateway("upstream connection closed")) }
                if s.output.readableBytes <= Self.sendHighWater { return .success(()) }
                s.writer = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    // MARK: Response body

    /// The next STDOUT bytes after the head; nil after END_REQUEST (the socket is then kept or
    /// closed). Throws when the upstream fails, closes early or times out.
    func nextStdout() async throws -> ByteBuffer? {
        var effects = Effects()
        let ready = state.withLock { s in take(&s, &effects) }
        run(effects)
        if let ready { return try ready.get() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
            var effects = Effects()
            let ready: Result<ByteBuffer?, any Error>? = state.withLock { s in
                if let ready = take(&s, &effects) { return ready }
                s.reader = continuation
                s.deadline = FastCGISocket.now() + readTimeout
                return nil
            }
            run(effects)
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Gives up on the exchange (the body was dropped or failed): the socket is closed.
    func close() {
        var effects = Effects()
        state.withLock { s in
            guard !s.closed else { return }
            closeSocket(&s)
            if let writer = s.writer {
                s.writer = nil
                effects.writer = (writer, .failure(GatewayError.badGateway("upstream connection closed")))
            }
        }
        run(effects)
    }

    func run(_ effects: Effects) {
        if let lines = effects.stderrLines {
            for line in lines { stderr(line) }
        }
        if let (writer, result) = effects.writer { writer.resume(with: result) }
        if let (reader, result) = effects.reader { reader.resume(with: result) }
        if let (onHead, result) = effects.head {
            loop.execute { onHead(result) }
        }
        if let retry = effects.retry {
            loop.execute { retry() }
        }
    }
}

/// The body of a response that came whole with its head (`GatewayResponse.completeBody`).
struct EmptyResponseBody: ResponseBodyStream {
    func next() async throws -> ByteBuffer? { nil }
}
