// swhost: HTTP transport.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Writing responses: framing fields, HEAD and bodiless statuses, bytes, files, parts, streams.
extension HTTPConnectionHandler {
    enum Framing { case length(Int64), chunked, closeDelimited, none }

    func sendResponse(requestNumber: Int, head: ResponseHead, body: ResponseBody, completion: (@Sendable (ResponseCompletion) -> Void)?) {
        guard let context, let request, state == .inFlight, requestNumber == requestCount, !response.started else {
            completion?(ResponseCompletion(status: head.status, headerBytes: 0, bodyBytes: 0, completed: false, endTimeMicroseconds: Self.nowMicroseconds()))
            return
        }
        response.started = true
        response.status = head.status
        response.completion = completion

        let suppressBody = response.isHead || head.forbidsBody
        var keepAlive = request.keepAlive && !head.closeConnection && !quiescing && configuration.keepaliveTimeout > .zero
            && requestCount < configuration.keepaliveRequests && bodyCanBeDrained(request)
            && context.eventLoop.now - acceptedAt < configuration.keepaliveTime
        let framing: Framing
        if head.forbidsBody {
            framing = .none
        } else if let n = body.knownLength {
            framing = .length(n)
        } else if response.isHead {
            framing = .none
        } else if request.version.isAtLeast1_1 {
            framing = .chunked
        } else {
            framing = .closeDelimited
            keepAlive = false
        }
        response.keepAlive = keepAlive

        var buffer = context.channel.allocator.buffer(capacity: 512)
        Self.renderHead(head, framing: framing, keepAlive: keepAlive, into: &buffer)
        response.headerBytes = Int64(buffer.readableBytes)

        var payload: ResponseBody = suppressBody ? .empty : body
        // Zero-length file regions are not worth a sendfile call.
        if case .file(let f) = payload, f.length == 0 { payload = .empty }
        if case .parts(let ps) = payload { payload = .parts(ps.filter { $0.length > 0 }) }
        switch payload {
        case .empty:
            track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))), last: true)
        case .bytes(var b):
            response.bodyBytes = Int64(b.readableBytes)
            if b.readableBytes <= 16 * 1024 {
                buffer.writeBuffer(&b)
                track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))), last: true)
            } else {
                track(context.write(wrapOutboundOut(.byteBuffer(buffer))), last: false)
                track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(b))), last: true)
            }
        case .file(let f) where f.length <= Self.inlineFileLimit && Self.appendFileRegion(f, to: &buffer):
            // A small region (a range, a small file) goes with the head in one write: one pread
            // of page-cached data costs less than cork + sendfile + uncork.
            response.bodyBytes = f.length
            track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))), last: true)
        case .file(let f):
            corkIfWanted(context)
            track(context.write(wrapOutboundOut(.byteBuffer(buffer))), last: false)
            response.bodyBytes = f.length
            track(FileRegionWriter.write(f, context: context), last: true)
            context.flush()
        case .parts(let parts):
            corkIfWanted(context)
            track(context.write(wrapOutboundOut(.byteBuffer(buffer))), last: parts.isEmpty)
            for (i, part) in parts.enumerated() {
                let last = i == parts.count - 1
                response.bodyBytes += part.length
                switch part {
                case .bytes(let b): track(context.write(wrapOutboundOut(.byteBuffer(b))), last: last)
                case .file(let f): track(FileRegionWriter.write(f, context: context), last: last)
                }
            }
            context.flush()
        case .stream(let stream, let length):
            track(context.writeAndFlush(wrapOutboundOut(.byteBuffer(buffer))), last: false)
            let isChunked: Bool
            if case .chunked = framing { isChunked = true } else { isChunked = false }
            startStream(stream, chunked: isChunked, length: length, context: context)
        }
    }

    /// File regions up to this size are read into the response buffer instead of sent with sendfile.
    static let inlineFileLimit: Int64 = 16 * 1024

    /// Appends the region's bytes to `buffer`; false (buffer unchanged) when the file came up
    /// short, so the caller falls back to sendfile, which reports the truncation as an error.
    static func appendFileRegion(_ region: FileBody, to buffer: inout ByteBuffer) -> Bool {
        let count = Int(region.length)
        guard count > 0 else { return true }
        let start = buffer.writerIndex
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            let n = pread(region.file.descriptor, raw.baseAddress, count, off_t(region.offset))
            return n == count ? n : 0
        }
        if read != count {
            buffer.moveWriterIndex(to: start)
            return false
        }
        return true
    }

    /// Whether the rest of an unread body can be discarded to keep the connection.
    private func bodyCanBeDrained(_ request: HTTPRequest) -> Bool {
        if body.finished { return true }
        if body.failed { return false }
        // The client waits for 100 Continue before sending: it may or may not send the body later.
        if request.expectsContinue && !response.continueSent { return false }
        switch body.framing {
        case .none: return true
        case .length: return body.remaining <= configuration.maximumDrainBytes
        case .chunked: return true  // bounded while draining
        }
    }

    private func corkIfWanted(_ context: ChannelHandlerContext) {
        guard configuration.tcpNopush, !response.corked else { return }
        response.corked = true
        FileRegionWriter.setCork(true, context: context)
    }

    // MARK: Head rendering

    /// Status line, `Server` (when first), `Date`, `Content-Type` (when next), framing, `Connection`,
    /// then the other fields: nginx's order for the fields it writes itself.
    static func renderHead(_ head: ResponseHead, framing: Framing, keepAlive: Bool, into buffer: inout ByteBuffer) {
        if head.cachedBytes != nil {
            head.renderStatusAndFields(into: &buffer)
            HTTPDateCache.current.writeDateField(into: &buffer)
            writeFraming(framing, into: &buffer)
            buffer.writeStaticString(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n")
            return
        }
        buffer.writeStaticString("HTTP/1.1 ")
        StatusReason.writeStatusLineTail(status: head.status, reason: head.reason, into: &buffer)
        let fields = head.headers
        var i = 0
        func field(_ f: HTTPHeaderList.Element) {
            // The core owns framing: a Content-Length or Transfer-Encoding passed through from an
            // upstream must never sit next to the writer's own (response splitting).
            if isCoreOwned(f.name) { return }
            buffer.writeString(f.name)
            buffer.writeStaticString(": ")
            buffer.writeString(f.value)
            buffer.writeStaticString("\r\n")
        }
        if i < fields.count, HTTPHeaderList.equalsIgnoringCase(fields[i].name, "server") { field(fields[i]); i += 1 }
        HTTPDateCache.current.writeDateField(into: &buffer)
        if i < fields.count, HTTPHeaderList.equalsIgnoringCase(fields[i].name, "content-type") { field(fields[i]); i += 1 }
        writeFraming(framing, into: &buffer)
        if i < fields.count, HTTPHeaderList.equalsIgnoringCase(fields[i].name, "last-modified") { field(fields[i]); i += 1 }
        buffer.writeStaticString(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n")
        while i < fields.count { field(fields[i]); i += 1 }
        buffer.writeStaticString("\r\n")
    }

    /// `Date`, `Connection`, `Content-Length`, `Transfer-Encoding`: written by the core only.
    static func isCoreOwned(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: HTTPHeaderList.equalsIgnoringCase(name, "date")
        case 10: HTTPHeaderList.equalsIgnoringCase(name, "connection")
        case 14: HTTPHeaderList.equalsIgnoringCase(name, "content-length")
        case 17: HTTPHeaderList.equalsIgnoringCase(name, "transfer-encoding")
        default: false
        }
    }

    private static func writeFraming(_ framing: Framing, into buffer: inout ByteBuffer) {
        switch framing {
        case .length(let n):
            buffer.writeStaticString("Content-Length: ")
            buffer.writeString(String(n))
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("Transfer-Encoding: chunked\r\n")
        case .closeDelimited, .none:
            break
        }
    }

    // MARK: Write tracking

    /// Counts outstanding writes for `send_timeout`; the last write finishes the response.
    func track(_ future: EventLoopFuture<Void>, last: Bool) {
        response.pendingWrites += 1
        if sendTimer == nil { armSendTimer() }
        let bound = LoopConfined(self)
        future.whenComplete { result in
            let handler = bound.value
            handler.response.pendingWrites -= 1
            handler.sendTimer = nil
            if handler.response.pendingWrites > 0 { handler.armSendTimer() }
            switch result {
            case .success:
                if last { handler.finishResponse(success: true) }
            case .failure:
                handler.finishResponse(success: false)
            }
        }
    }

    /// Drops the connection without a response (nginx's `return 444`).
    func abortRequest(requestNumber: Int) {
        guard request != nil, state == .inFlight, requestNumber == requestCount, !response.started else { return }
        close()
    }

    /// Writes bytes that are not part of the response (the 100 Continue line).
    func writeRaw(_ bytes: ByteBuffer) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
    }

    /// The response is on the wire (or failed): log it, then next request, drain, or close.
    func finishResponse(success: Bool) {
        guard response.started, !response.finished else { return }
        response.finished = true
        if response.corked, let context {
            response.corked = false
            FileRegionWriter.setCork(false, context: context)
        }
        let completion = response.completion
        response.completion = nil
        completion?(ResponseCompletion(
            status: response.status, headerBytes: response.headerBytes, bodyBytes: response.bodyBytes,
            completed: success, endTimeMicroseconds: Self.nowMicroseconds()
        ))
        guard !isShutDown else { return }
        if !success {
            close()
            return
        }
        if !response.keepAlive {
            closeAfterResponse()
            return
        }
        if !body.finished {
            if body.failed {
                closeAfterResponse()
                return
            }
            state = .draining
            setPhase(.reading)
            body.consumer = nil
            body.paused = false
            exclusive { processBody() }
            return
        }
        pendingFinish = true
        if !busy { exclusive {} }
    }
}
