// swhost: HTTP transport.

import NIOCore

/// `.stream` bodies: pulled by a task, each chunk written on the loop and awaited (backpressure).
extension HTTPConnectionHandler {
    struct StreamLengthMismatch: Error {}
    struct ConnectionGone: Error {}

    func startStream(_ stream: any ResponseBodyStream, chunked: Bool, length: Int64?, context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let bound = LoopConfined(self)
        let number = requestCount
        // Only chunk writes count for send_timeout: a slow producer (FastCGI) is not a slow client.
        Task {
            var sent: Int64 = 0
            do {
                while let chunk = try await stream.next() {
                    guard chunk.readableBytes > 0 else { continue }
                    sent += Int64(chunk.readableBytes)
                    if let length, sent > length { throw StreamLengthMismatch() }
                    try await loop.flatSubmit {
                        bound.value.writeStreamChunk(chunk, chunked: chunked, requestNumber: number) ?? loop.makeFailedFuture(ConnectionGone())
                    }.get()
                }
                if let length, sent != length { throw StreamLengthMismatch() }
                try await loop.flatSubmit {
                    bound.value.endStream(chunked: chunked, requestNumber: number) ?? loop.makeFailedFuture(ConnectionGone())
                }.get()
            } catch {
                loop.execute { bound.value.streamFailed(requestNumber: number) }
            }
        }
    }

    private func streamIsCurrent(_ number: Int) -> Bool {
        context != nil && state == .inFlight && requestCount == number && response.started && !response.finished
    }

    func writeStreamChunk(_ chunk: ByteBuffer, chunked: Bool, requestNumber: Int) -> EventLoopFuture<Void>? {
        guard let context, streamIsCurrent(requestNumber) else {
            return nil
        }
        response.bodyBytes += Int64(chunk.readableBytes)
        let future: EventLoopFuture<Void>
        if chunked {
            var frame = context.channel.allocator.buffer(capacity: chunk.readableBytes + 16)
            frame.writeString(String(chunk.readableBytes, radix: 16))
            frame.writeStaticString("\r\n")
            var c = chunk
            frame.writeBuffer(&c)
            frame.writeStaticString("\r\n")
            future = context.writeAndFlush(wrapOutboundOut(.byteBuffer(frame)))
        } else {
            future = context.writeAndFlush(wrapOutboundOut(.byteBuffer(chunk)))
        }
        track(future, last: false)
        return future
    }

    func endStream(chunked: Bool, requestNumber: Int) -> EventLoopFuture<Void>? {
        guard let context, streamIsCurrent(requestNumber) else {
            return nil
        }
        if chunked {
            track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(Self.lastChunk))), last: true)
        } else {
            // Close-delimited (HTTP/1.0): the end of the body is the close.
            track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(ByteBuffer()))), last: true)
        }
        return context.eventLoop.makeSucceededVoidFuture()
    }

    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    /// A stream that throws (or lies about its length) must not look complete: close the connection.
    func streamFailed(requestNumber: Int) {
        guard streamIsCurrent(requestNumber) else { return }
        finishResponse(success: false)
    }
}
