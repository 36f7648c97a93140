// swhost: CGI and FastCGI gateways.

import NIOCore

/// Reads a channel (a CGI script's pipe) on demand: the channel runs with `autoRead`
/// off and one `read()` is issued only when the consumer waits for bytes, so a slow client slows
/// the script down instead of filling memory.
///
/// `@unchecked Sendable`: every mutable field is touched only on the channel's event loop
/// (`next()` hops there first; the handler callbacks run there).
final class InboundQueue: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let loop: any EventLoop
    private var chunks: [ByteBuffer] = []
    private var ended = false
    private var failure: (any Error)?
    private var waiter: EventLoopPromise<ByteBuffer?>?
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish(nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard buffer.readableBytes > 0 else { return }
        if let waiter {
            self.waiter = nil
            timer?.cancel()
            waiter.succeed(buffer)
        } else {
            chunks.append(buffer)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            finish(nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(error)
        context.close(promise: nil)
    }

    private func finish(_ error: (any Error)?) {
        guard !ended else { return }
        ended = true
        failure = error
        if let waiter, chunks.isEmpty {
            self.waiter = nil
            timer?.cancel()
            if let error { waiter.fail(error) } else { waiter.succeed(nil) }
        }
    }

    /// Nothing buffered, nothing pending, input not ended: a kept-alive connection that may be
    /// handed to the next request. On the loop only.
    var isQuiet: Bool {
        loop.preconditionInEventLoop()
        return !ended && chunks.isEmpty && waiter == nil
    }

    /// Issues a read while the connection sits idle in a pool, so that the upstream closing it
    /// ends the queue (`isQuiet` turns false). On the loop only.
    func watchWhileIdle() {
        loop.preconditionInEventLoop()
        context?.read()
    }

    /// The next chunk, nil at the end of input. Fails with `GatewayError.timedOut` when nothing
    /// arrives within `timeout`.
    func next(timeout: TimeAmount) async throws -> ByteBuffer? {
        try await loop.flatSubmit { self.nextOnLoop(timeout: timeout) }.get()
    }

    /// `next(timeout:)` for a caller already on the loop, without a task.
    func nextOnLoop(timeout: TimeAmount) -> EventLoopFuture<ByteBuffer?> {
        loop.preconditionInEventLoop()
        if !chunks.isEmpty {
            return loop.makeSucceededFuture(chunks.removeFirst())
        }
        if ended {
            if let failure { return loop.makeFailedFuture(failure) }
            return loop.makeSucceededFuture(nil)
        }
        precondition(waiter == nil, "one consumer at a time")
        let promise = loop.makePromise(of: ByteBuffer?.self)
        waiter = promise
        timer = loop.scheduleTask(in: timeout) { [self] in
            guard let waiter else { return }
            self.waiter = nil
            waiter.fail(GatewayError.timedOut)
        }
        context?.read()
        return promise.futureResult
    }
}
