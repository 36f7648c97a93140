// swhost: HTTP transport.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The per-connection HTTP/1.x state machine: a plain `ChannelDuplexHandler` on the event loop.
///
/// Plain handlers rather than `NIOAsyncChannel` + NIOHTTP1: the bench measured the idiomatic
/// pipeline at 0.55-0.7x nginx, pre-rendered header bytes and a small parser at parity.
///
/// Requests are handled one at a time, in order. While a request is in flight, socket reads only
/// happen when its body is being read or drained, so pipelined input stays bounded.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = IOData

    enum State {
        /// Waiting for or reading a request head.
        case readingHead
        /// A request was handed to the responder; its response is not fully written yet.
        case inFlight
        /// The response is written; the rest of the request body is being discarded.
        case draining
        /// The response is out and the write side shut down; input is read and discarded until the
        /// client closes or the lingering timers run out.
        case lingering
        /// The connection is closing; nothing more is read or handled.
        case closed
    }

    let configuration: ConnectionConfiguration
    let responder: any HTTPResponder
    let listenerTag: Int
    let counters: ConnectionCounters
    var connectionID: UInt64 = 0

    var context: ChannelHandlerContext?
    var state = State.readingHead
    var phase = ConnectionCounters.Phase.none
    var input: ByteBuffer
    var parser: HTTPRequestHeadParser
    var requestCount = 0
    var requestStart: Int64 = 0
    var readPending = false
    var quiescing = false
    /// Inside `exclusive`: a finished request is processed when the outermost call returns, so
    /// responders and body consumers that answer synchronously never re-enter the state machine.
    var busy = false
    var pendingFinish = false
    var localAddress = ""
    var localPort = 0
    var remoteAddress = ""
    var remotePort = 0

    // The request in flight.
    var request: HTTPRequest?
    var body = BodyState()
    var response = ResponseState()

    // Timers.
    // nginx's connection timers, as deadlines checked by one watchdog task (see +Timers).
    var headerTimer: NIODeadline?
    var bodyTimer: NIODeadline?
    var sendTimer: NIODeadline?
    var idleTimer: NIODeadline?
    var lingerTimer: NIODeadline?
    var watchdog: Scheduled<Void>?
    var watchdogDeadline: NIODeadline?
    var lingerDeadline = NIODeadline.distantFuture
    /// When the connection was accepted (`keepalive_time`).
    var acceptedAt = NIODeadline.now()

    init(configuration: ConnectionConfiguration, responder: any HTTPResponder, listenerTag: Int, counters: ConnectionCounters) {
        self.configuration = configuration
        self.responder = responder
        self.listenerTag = listenerTag
        self.counters = counters
        self.parser = HTTPRequestHeadParser(limits: configuration.headerLimits)
        self.input = ByteBufferAllocator().buffer(capacity: 0)
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        input = context.channel.allocator.buffer(capacity: configuration.headerLimits.headerBufferSize)
        if context.channel.isActive { connectionStarted(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context: context)
        context.fireChannelActive()
    }

    private func connectionStarted(context: ChannelHandlerContext) {
        guard connectionID == 0 else { return }
        connectionID = counters.accepted()
        acceptedAt = context.eventLoop.now
        if let a = context.channel.localAddress {
            localAddress = a.ipAddress ?? ""
            localPort = a.port ?? 0
        }
        if let a = context.channel.remoteAddress {
            // nginx's $remote_addr is "unix:" on unix-domain sockets.
            if case .unixDomainSocket = a { remoteAddress = "unix:" } else { remoteAddress = a.ipAddress ?? "" }
            remotePort = a.port ?? 0
        }
        // stub_status counts a connection without request bytes as waiting, as nginx does.
        setPhase(.waiting)
        // nginx arms client_header_timeout at accept for the first request.
        armHeaderTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        cancelTimers()
        setPhase(.none)
        if body.consumer != nil { failBody(.connectionClosed) }
        // Also after our own close (timeouts): the access log still gets its line.
        if response.started, !response.finished { finishResponse(success: false) }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if state == .lingering {
                close()
            } else if state == .readingHead && input.readableBytes == 0 {
                // Idle connections (fresh or keep-alive, no request bytes yet): nginx closes them
                // at once, and a client whose next request is already on the wire loses it (the
                // keep-alive drops its reload test counts). Here they get a short grace: a request
                // that arrives is answered with `Connection: close`; silence closes them.
                armQuiesceGraceTimer()
            }
            // Busy connections close after their response (it goes out with `Connection: close`).
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state == .lingering {
            armLingerTimer()
            return
        }
        guard state != .closed else { return }
        var bytes = unwrapInboundIn(data)
        if input.readableBytes == 0 {
            input.clear()
        } else if input.readerIndex >= 16 * 1024 {
            // Pipelined input never drains fully: reclaim consumed bytes so the buffer stays bounded.
            input.discardReadBytes()
        }
        input.writeBuffer(&bytes)
        process()
    }

    func read(context: ChannelHandlerContext) {
        if readAllowed {
            readPending = false
            context.read()
        } else {
            readPending = true
        }
    }

    /// Reads happen while waiting for a head, while the body is wanted or drained, never otherwise.
    var readAllowed: Bool {
        switch state {
        case .readingHead: return true
        case .draining, .lingering: return true
        case .inFlight: return body.wantsData
        case .closed: return false
        }
    }

    /// Issues a read held back by `read(context:)` once reads are allowed again.
    func resumeReadingIfNeeded() {
        guard readPending, readAllowed, let context else { return }
        readPending = false
        context.read()
    }

    /// Runs `body`; the outermost call then moves on to the next request if one finished meanwhile.
    func exclusive(_ body: () -> Void) {
        if busy {
            body()
            return
        }
        busy = true
        body()
        // A loop, not recursion: a packet of pipelined requests answered synchronously stays flat.
        while pendingFinish && !isShutDown {
            pendingFinish = false
            requestFinished()
            if state == .readingHead && input.readableBytes > 0 { processLoop() }
        }
        busy = false
        resumeReadingIfNeeded()
    }

    /// Runs the state machine over the buffered input until it needs more bytes or waits on a response.
    func process() {
        exclusive { processLoop() }
    }

    private func processLoop() {
        while true {
            switch state {
            case .closed, .lingering:
                return
            case .readingHead:
                guard input.readableBytes > 0 else { return }
                if !processHead() { return }
            case .inFlight, .draining:
                processBody()
                return
            }
        }
    }

    /// Returns true when a head was parsed and handed over (so the loop continues with the body).
    private func processHead() -> Bool {
        if phase == .waiting {
            setPhase(.reading)
            if idleTimer != nil {
                // First byte after keep-alive idle: client_header_timeout starts now.
                idleTimer = nil
                armHeaderTimer()
            }
        }
        if requestStart == 0 { requestStart = Self.nowMicroseconds() }
        let outcome = input.withUnsafeReadableBytes { parser.parse($0) }
        switch outcome {
        case .needMore:
            return false
        case .failure(let error):
            sendError(error)
            return false
        case .complete(let length):
            let made = input.withUnsafeReadableBytes { parser.makeHead($0) }
            switch made {
            case .failure(let error):
                sendError(error)
                return false
            case .success(let head):
                input.moveReaderIndex(forwardBy: length)
                parser.reset()
                return startRequest(head, length: length)
            }
        }
    }

    private func startRequest(_ head: RequestHead, length: Int) -> Bool {
        guard let context else { return false }
        let uri: NormalizedURI
        do {
            uri = try NormalizedURI(target: head.originTarget, mergeSlashes: configuration.mergeSlashes)
        } catch {
            sendError(.badRequest)
            return false
        }
        headerTimer = nil
        requestCount += 1
        counters.requestStarted()
        setPhase(.writing)
        state = .inFlight
        let info = ConnectionInfo(
            connectionID: connectionID, requestNumber: requestCount,
            remoteAddress: remoteAddress, remotePort: remotePort,
            localAddress: localAddress, localPort: localPort,
            listenerTag: listenerTag, startTimeMicroseconds: requestStart, headLength: length
        )
        let loop = context.eventLoop
        let bound = LoopConfined(self)
        let request = HTTPRequest(head: head, uri: uri, connection: info, handler: bound, eventLoop: loop)
        self.request = request
        body = BodyState(framing: head.framing)
        response = ResponseState(isHead: head.method == .HEAD)
        responder.respond(to: request, writer: ResponseWriter(handler: bound, eventLoop: loop, requestNumber: requestCount))
        return true
    }

    /// After a response and its request body are done: next request, or close. Only from `exclusive`.
    private func requestFinished() {
        guard !isShutDown else { return }
        request = nil
        body = BodyState()
        if !response.keepAlive {
            close()
            return
        }
        response = ResponseState()
        state = .readingHead
        requestStart = 0
        if input.readableBytes > 0 {
            setPhase(.reading)
            armHeaderTimer()
        } else {
            setPhase(.waiting)
            if quiescing {
                close()
                return
            }
            armIdleTimer()
        }
    }

    // MARK: Errors the core answers itself

    func sendError(_ error: HTTPParseError) {
        guard let context, !isShutDown else { return }
        cancelTimers()
        var buffer = context.channel.allocator.buffer(capacity: 512)
        DefaultErrorPage.render(error, configuration: configuration, into: &buffer)
        // The client may still be sending (a long header, a body): linger once the page is out.
        let bound = LoopConfined(self)
        state = .lingering
        input.clear()
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))).whenComplete { result in
            let handler = bound.value
            switch result {
            case .success: handler.startLingering()
            case .failure: handler.close()
            }
        }
    }

    var isShutDown: Bool { state == .closed || state == .lingering }

    func close() {
        guard let context else { return }
        state = .closed
        cancelTimers()
        context.close(promise: nil)
    }

    /// Closes after a final response: lingering when the client may still be sending.
    func closeAfterResponse() {
        guard context != nil, state != .closed else { return }
        let maySend = !body.finished || input.readableBytes > 0
        guard configuration.lingeringClose, maySend || configuration.lingeringAlways else {
            close()
            return
        }
        if body.consumer != nil { failBody(.connectionClosed) }
        state = .lingering
        input.clear()
        startLingering()
    }

    /// Shuts down the write side and discards input until EOF or the lingering timers.
    func startLingering() {
        guard let context, state == .lingering else { return }
        cancelTimers()
        lingerDeadline = .now() + configuration.lingeringTime
        armLingerTimer()
        let bound = LoopConfined(self)
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { _ in bound.value.close() }
        context.close(mode: .output, promise: promise)
        resumeReadingIfNeeded()
    }

    func setPhase(_ new: ConnectionCounters.Phase) {
        counters.move(from: phase, to: new)
        phase = new
    }

    static func nowMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}
