// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SWHostHTTPCore
import Synchronization

/// One running CGI script, driven by the gateway reactor (`GatewayReactor`) instead of NIO
/// channels: its stdout, stderr and exit (a pidfd) are in the reactor's epoll set, and so is its
/// stdin while request bytes wait for room in the pipe. Whoever holds the lock reads or writes
/// the pipes: the reactor on an event, the body feeder (`send`), the body reader
/// (`nextStdout`). The head goes to the request's event loop with one `execute`.
///
/// A small output (head, body and EOF by the time the head is parsed: a script that printed its
/// page and exited) is handed over whole, so the response needs no streaming task; a longer one
/// is read ahead up to `highWater` bytes and then only as the body reader drains it, so a slow
/// client slows the script down instead of filling memory. stderr is read continuously, so a
/// script writing megabytes there cannot deadlock. The process is reaped when its pidfd turns
/// readable, which frees its `cgi_max_processes` slot.
final class CGIExchange: Sendable {
    typealias HeadHandler = @Sendable (Result<GatewayResponse, GatewayError>) -> Void

    /// stdout bytes read ahead of the body reader before reading pauses, and the level at which
    /// it resumes.
    static let highWater = 64 * 1024
    static let lowWater = 16 * 1024
    /// How long a complete head waits for the end of the output (a script that printed its
    /// page and is exiting), so that the response goes whole instead of as a stream (a task
    /// and a hop to the event loop per chunk). A script still writing after that streams; it
    /// only adds this much to the time of its first byte.
    static let holdNanoseconds: UInt64 = 5_000_000

    struct State {
        /// Descriptors (-1: closed) and their reactor tokens (0: not registered).
        var stdinFD: Int32 = -1
        var stdoutFD: Int32 = -1
        var stderrFD: Int32 = -1
        var pidFD: Int32 = -1
        var stdinToken: UInt64 = 0
        var stdoutToken: UInt64 = 0
        var stderrToken: UInt64 = 0
        var exitToken: UInt64 = 0
        /// Request bytes not yet written to stdin, and whether they are the last.
        var input = ByteBuffer()
        var inputComplete = false
        /// stdin was closed before all input went (the script exited or stopped reading).
        var inputRefused = false
        var writer: CheckedContinuation<Void, any Error>?
        /// Until the head is out: its parser and where it goes.
        var head: CGIHeaderParser?
        var onHead: HeadHandler?
        /// A complete head held for up to `holdNanoseconds` (until `holdDeadline`) for the end
        /// of the output.
        var heldHead: GatewayResponseHead?
        var holdDeadline: UInt64 = 0
        var stdout = CircularBuffer<ByteBuffer>(initialCapacity: 4)
        var bufferedBytes = 0
        /// stdout reached EOF.
        var ended = false
        /// Why the body stream fails (after the head).
        var failure: GatewayError?
        var reader: CheckedContinuation<ByteBuffer?, any Error>?
        var readSize = 4096
        /// Reading paused at `highWater` with bytes possibly left in the pipe.
        var stalled = false
        /// The part of a stderr line not yet ended by a newline.
        var stderrLine: [UInt8] = []
        var reaped = false
        var killed = false
        /// Monotonic nanoseconds (0: none): the longest pause in the output while the head or a
        /// body read is awaited; and, once the output is done, how long the process and its
        /// stderr may linger before the group is killed and stderr closed.
        var readDeadline: UInt64 = 0
        var lingerDeadline: UInt64 = 0
    }

    /// What to do once the lock is released (callbacks must not run under it).
    struct Effects {
        var head: (HeadHandler, Result<GatewayResponse, GatewayError>)?
        var stderrLines: [String]?
        var reader: (CheckedContinuation<ByteBuffer?, any Error>, Result<ByteBuffer?, any Error>)?
        var writer: (CheckedContinuation<Void, any Error>, Result<Void, any Error>)?
        var releaseSlot = false

        mutating func log(_ line: String) {
            if stderrLines == nil { stderrLines = [] }
            stderrLines!.append(line)
        }
    }

    let state = Mutex(State())
    let process: SpawnedProcess
    let loop: any EventLoop
    let readTimeout: UInt64
    /// How long a script may outlive the end of its output (`cgi_read_timeout`, at least 1 s).
    let linger: UInt64
    let stderr: @Sendable (String) -> Void
    let limiter: ProcessLimiter
    let reactor: GatewayReactor

    init(process: SpawnedProcess, loop: any EventLoop, readTimeout: TimeAmount, limiter: ProcessLimiter,
         stderr: @escaping @Sendable (String) -> Void, reactor: GatewayReactor = .shared) {
        self.process = process
        self.loop = loop
        self.readTimeout = UInt64(max(1, readTimeout.nanoseconds))
        self.linger = max(self.readTimeout, 1_000_000_000)
        self.limiter = limiter
        self.stderr = stderr
        self.reactor = reactor
    }

    // MARK: Starting

    /// Takes over the process's descriptors: writes `input` (when `inputComplete`, the whole
    /// body) to stdin as far as the pipe takes it, and puts the pipes and the pidfd in the
    /// reactor's set. `onHead` runs on the loop with the response head or the failure.
    func begin(nph: Bool, input: ByteBuffer?, inputComplete: Bool, onHead: @escaping HeadHandler) {
        let stdoutToken = reactor.reserve(CGIPipeWatch(self, .stdout))
        let stderrToken = reactor.reserve(CGIPipeWatch(self, .stderr))
        // Without a pidfd (an old kernel) the exit watch only gets the deadline ticks, which poll waitpid.
        let exitToken = reactor.reserve(CGIPipeWatch(self, .exit))
        var effects = Effects()
        state.withLock { s in
            s.stdinFD = process.stdinWrite
            s.stdoutFD = process.stdoutRead
            s.stderrFD = process.stderrRead
            s.pidFD = process.pidFD
            s.stdoutToken = stdoutToken
            s.stderrToken = stderrToken
            s.exitToken = exitToken
            s.head = CGIHeaderParser(nph: nph)
            s.onHead = onHead
            s.readDeadline = FastCGISocket.now() + readTimeout
            if let input { s.input = input }
            s.inputComplete = inputComplete
            if s.stdinFD >= 0 { flushInput(&s, &effects) }
            if s.pidFD >= 0, !reactor.add(s.pidFD, exitToken, writable: false) {
                // The exit is then polled on the reactor's ticks.
                Glibc.close(s.pidFD)
                s.pidFD = -1
            }
            guard reactor.add(s.stdoutFD, stdoutToken, writable: false), reactor.add(s.stderrFD, stderrToken, writable: false) else {
                let error = errno
                kill(&s)
                fail(&s, &effects, .badGateway("epoll_ctl() failed (\(error): \(FastCGISocket.errorText(error))) for the CGI pipes"))
                closeStderr(&s)
                return
            }
        }
        run(effects)
    }

    // MARK: Reactor events

    /// Handles the epoll `events` of one of the script's descriptors.
    func handle(_ pipe: CGIPipeWatch.Pipe, events: UInt32) {
        var effects = Effects()
        state.withLock { s in
            switch pipe {
            case .stdout: readStdout(&s, &effects, hangup: events & CGIPipeWatch.hangupEvents != 0)
            case .stderr: readStderr(&s, &effects)
            case .stdin: flushInput(&s, &effects)
            case .exit: reap(&s, &effects)
            }
        }
        run(effects)
    }

    /// Called about every reactor tick: a silent script past `cgi_read_timeout` is killed and
    /// its waiter failed; a script (and its stderr) lingering past the end of its output is
    /// killed (and closed); without a pidfd, the exit is polled.
    func checkDeadline(now: UInt64) {
        var effects = Effects()
        state.withLock { s in
            if s.holdDeadline != 0, now >= s.holdDeadline, let head = s.heldHead {
                // Still writing: the response streams.
                s.heldHead = nil
                s.holdDeadline = 0
                deliver(head, &s, &effects)
            }
            if s.readDeadline != 0, now >= s.readDeadline {
                s.readDeadline = 0
                kill(&s)
                fail(&s, &effects, .timedOut)
                closeStderr(&s)
            }
            if s.lingerDeadline != 0, now >= s.lingerDeadline {
                s.lingerDeadline = 0
                kill(&s)
                closeInput(&s, &effects)
                closeStderr(&s)
            }
            // exitToken: begun (a tick can come between the reservations and `begin` taking the lock).
            if s.pidFD < 0, s.exitToken != 0, !s.reaped { reap(&s, &effects) }
        }
        run(effects)
    }

    // MARK: Request body (spooled or streamed bodies)

    /// Writes request bytes to stdin; waits until the pipe has taken them all (one chunk in
    /// flight, as a spooled body is read: the worker holds no more of it than that). Throws when
    /// the script stopped taking input (exited, closed stdin) or the exchange ended.
    func send(_ bytes: ByteBuffer, last: Bool) async throws {
        var effects = Effects()
        let mustWait = try state.withLock { s throws(GatewayError) -> Bool in
            if s.inputRefused || s.stdinFD < 0 { throw GatewayError.badGateway("the CGI script closed its input") }
            if s.input.readableBytes == 0 {
                s.input = bytes
            } else {
                var bytes = bytes
                s.input.writeBuffer(&bytes)
            }
            if last { s.inputComplete = true }
            flushInput(&s, &effects)
            return s.input.readableBytes > 0 && s.stdinFD >= 0
        }
        run(effects)
        guard mustWait else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready: Result<Void, any Error>? = state.withLock { s in
                if s.inputRefused || s.stdinFD < 0 { return .failure(GatewayError.badGateway("the CGI script closed its input")) }
                if s.input.readableBytes == 0 { return .success(()) }
                s.writer = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    // MARK: Response body

    /// The next stdout bytes after the head; nil at EOF. Throws when reading fails or the
    /// script stays silent past `cgi_read_timeout` (it is then killed).
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
                s.readDeadline = FastCGISocket.now() + readTimeout
                return nil
            }
            run(effects)
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// The response body was dropped (client gone, local redirect, HEAD) or failed: a script
    /// whose output was not read to its end is killed; the pipes are closed.
    func abandon() {
        var effects = Effects()
        state.withLock { s in
            let complete = s.ended && s.stdout.isEmpty && s.failure == nil
            if !complete {
                kill(&s)
                if s.failure == nil { s.failure = .badGateway("the CGI response was abandoned") }
                closeStderr(&s)
            }
            closeStdout(&s)
            closeInput(&s, &effects)
            s.stdout.removeAll()
            s.bufferedBytes = 0
            lingerIfNeeded(&s)
        }
        run(effects)
    }

    func run(_ effects: Effects) {
        if let lines = effects.stderrLines {
            for line in lines { stderr(line) }
        }
        if effects.releaseSlot { limiter.release() }
        if let (writer, result) = effects.writer { writer.resume(with: result) }
        if let (reader, result) = effects.reader { reader.resume(with: result) }
        if let (onHead, result) = effects.head {
            loop.execute { onHead(result) }
        }
    }
}
