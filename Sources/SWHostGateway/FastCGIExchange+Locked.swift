// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// The exchange's state machine, run with its lock held (by the reactor on an event, or by the
/// body feeder or reader): each step updates `State` and collects in `Effects` what to do once
/// the lock is released.
extension FastCGIExchange {
    /// What the body reader gets now, or nil when it must wait.
    func take(_ s: inout State, _ effects: inout Effects) -> Result<ByteBuffer?, any Error>? {
        if let chunk = s.stdout.popFirst() {
            s.bufferedBytes -= chunk.readableBytes
            if s.stalled, s.bufferedBytes < Self.lowWater, !s.closed, !s.ended, s.fd >= 0 {
                // Reading stopped short of EAGAIN: no new edge will come by itself.
                s.stalled = false
                reactor.modify(s.fd, s.token, writable: s.watchingWrites)
            }
            return .success(chunk)
        }
        if let failure = s.failure { return .failure(failure) }
        if s.ended {
            finishConnection(&s)
            return .success(nil)
        }
        if s.closed { return .failure(GatewayError.badGateway("upstream connection closed")) }
        return nil
    }

    func flush(_ s: inout State, _ effects: inout Effects) {
        guard s.fd >= 0 else { return }
        let before = s.output.readableBytes
        guard before > 0 else { return }
        let error = FastCGISocket.send(s.fd, &s.output)
        if error != 0 {
            fail(&s, &effects, .badGateway("send() failed (\(error): \(FastCGISocket.errorText(error))) while sending request to upstream"))
            return
        }
        if s.output.readableBytes < before, s.head != nil {
            // The upstream takes the request: its timeout runs from the last progress.
            s.deadline = FastCGISocket.now() + readTimeout
        }
        if s.output.readableBytes == 0 {
            s.output = ByteBuffer()
            if s.outputComplete { s.stdinWritten = true }
        } else if !s.watchingWrites {
            // The socket is full: wait for room (EPOLLOUT), which is watched only while needed.
            s.watchingWrites = true
            reactor.modify(s.fd, s.token, writable: true)
        }
        if let writer = s.writer, s.output.readableBytes <= Self.sendHighWater {
            s.writer = nil
            effects.writer = (writer, .success(()))
        }
    }

    func readAvailable(_ s: inout State, _ effects: inout Effects) {
        while !s.closed, !s.ended {
            if s.paused {
                s.stalled = true
                return
            }
            switch FastCGISocket.read(s.fd, size: s.readSize) {
            case .bytes(let bytes):
                s.receivedAny = true
                if bytes.readableBytes == s.readSize, s.readSize < 64 * 1024 { s.readSize *= 2 }
                s.records.feed(bytes)
                process(&s, &effects)
                if s.head != nil || s.reader != nil { s.deadline = FastCGISocket.now() + readTimeout }
            case .wouldBlock:
                return
            case .end:
                if s.head != nil {
                    fail(&s, &effects, .badGateway("upstream prematurely closed FastCGI stdout while reading response header from upstream"))
                } else if !s.ended {
                    fail(&s, &effects, .badGateway("upstream prematurely closed FastCGI stdout while reading upstream"))
                }
                return
            case .failed(let error):
                let phase = s.head != nil ? "reading response header from upstream" : "reading upstream"
                fail(&s, &effects, .badGateway("recv() failed (\(error): \(FastCGISocket.errorText(error))) while \(phase)"))
                return
            }
        }
    }

    /// Takes the complete records received: STDOUT to the head parser or the body, STDERR to
    /// the log, END_REQUEST ends the exchange.
    func process(_ s: inout State, _ effects: inout Effects) {
        var headNow: GatewayResponseHead?
        do throws(GatewayError) {
            while !s.ended, let record = try s.records.next() {
                guard record.requestID == FastCGIGateway.requestID else { continue }
                switch FastCGIRecord.RecordType(rawValue: record.type) {
                case .stdout?:
                    guard record.content.readableBytes > 0 else { continue }
                    if s.head != nil {
                        if case .head(let head, let rest) = try s.head!.feed(record.content) {
                            s.head = nil
                            headNow = head
                            append(rest, &s, &effects)
                        }
                    } else {
                        append(record.content, &s, &effects)
                    }
                case .stderr?:
                    guard record.content.readableBytes > 0 else { continue }
                    let phase = s.head != nil && headNow == nil ? "reading response header from upstream" : "reading upstream"
                    effects.log("FastCGI sent in stderr: \"\(String(decoding: record.content.readableBytesView, as: UTF8.self))\" while \(phase)")
                case .endRequest?:
                    s.ended = true
                    let status = record.content.getInteger(at: record.content.readerIndex + 4, as: UInt8.self) ?? 0
                    if status != FastCGIRecord.ProtocolStatus.requestComplete.rawValue {
                        let error = GatewayError.badGateway("upstream rejected the request (FastCGI protocol status \(status))")
                        if s.head != nil { throw error }
                        s.failure = error
                    }
                default:
                    continue
                }
            }
        } catch {
            fail(&s, &effects, error)
            return
        }
        if let head = headNow {
            deliver(head, &s, &effects)
        } else if s.head != nil, s.ended {
            fail(&s, &effects, .badGateway("upstream closed prematurely FastCGI stdout while reading response header from upstream"))
        } else if s.reader != nil {
            serveReader(&s, &effects)
        }
    }

    func append(_ bytes: ByteBuffer, _ s: inout State, _ effects: inout Effects) {
        guard bytes.readableBytes > 0 else { return }
        s.stdout.append(bytes)
        s.bufferedBytes += bytes.readableBytes
    }

    /// The head is complete: the whole response when END_REQUEST came with it, else a stream.
    func deliver(_ head: GatewayResponseHead, _ s: inout State, _ effects: inout Effects) {
        guard let onHead = s.onHead else { return }
        s.onHead = nil
        if s.ended, s.failure == nil, head.contentLength.map({ $0 == Int64(s.bufferedBytes) }) ?? true {
            var body: ByteBuffer
            if s.stdout.count == 1 {
                body = s.stdout.removeFirst()
            } else {
                body = ByteBuffer()
                while var chunk = s.stdout.popFirst() { body.writeBuffer(&chunk) }
            }
            s.bufferedBytes = 0
            finishConnection(&s)
            effects.head = (onHead, .success(GatewayResponse(head: head, body: EmptyResponseBody(), completeBody: body)))
            return
        }
        s.deadline = 0
        effects.head = (onHead, .success(GatewayResponse(head: head, body: FastCGIOutputStream(exchange: self))))
    }

    func serveReader(_ s: inout State, _ effects: inout Effects) {
        guard let reader = s.reader else { return }
        // Cleared first: `take` may read more, and what it reads must not be served twice.
        s.reader = nil
        guard let ready = take(&s, &effects) else {
            s.reader = reader
            return
        }
        s.deadline = 0
        effects.reader = (reader, ready)
    }

    /// Fails the head (or the body reader), and closes the socket.
    func fail(_ s: inout State, _ effects: inout Effects, _ error: GatewayError) {
        if let onRetry = s.onRetry, !s.receivedAny, error != .timedOut, s.onHead != nil {
            s.onHead = nil
            s.onRetry = nil
            s.head = nil
            effects.retry = onRetry
        } else if let onHead = s.onHead {
            s.onHead = nil
            s.onRetry = nil
            s.head = nil
            effects.head = (onHead, .failure(error))
        } else if s.failure == nil {
            s.failure = error
        }
        closeSocket(&s)
        if let reader = s.reader {
            s.reader = nil
            effects.reader = (reader, .failure(s.failure ?? error))
        }
        if let writer = s.writer {
            s.writer = nil
            effects.writer = (writer, .failure(error))
        }
    }

    func closeSocket(_ s: inout State) {
        s.closed = true
        s.deadline = 0
        guard s.fd >= 0 else { return }
        reactor.remove(s.token)
        Glibc.close(s.fd)
        s.fd = -1
    }

    /// END_REQUEST was taken: a kept connection goes back to its pool when the request was
    /// written whole and nothing followed END_REQUEST; else the socket is closed.
    func finishConnection(_ s: inout State) {
        guard !s.closed else { return }
        if let reuse, s.fd >= 0, s.failure == nil, s.stdinWritten, !s.records.hasBufferedBytes {
            let kept = FastCGIKeptConnection(fd: s.fd, token: s.token)
            s.fd = -1
            s.closed = true
            s.deadline = 0
            reuse.pool.checkin(kept, reuse.address, reactor: reactor)
            return
        }
        closeSocket(&s)
    }
}
