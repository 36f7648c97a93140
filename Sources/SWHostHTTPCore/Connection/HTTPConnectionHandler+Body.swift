// swhost: HTTP transport.

import NIOCore

/// Request bodies: Content-Length and chunked, delivered with backpressure, limited, drained.
extension HTTPConnectionHandler {
    func startBody(limit: Int64, consumer: @escaping @Sendable (RequestBodyEvent) -> BodyDemand) {
        guard request != nil, state == .inFlight, !body.started else {
            _ = consumer(.failure(.connectionClosed))
            return
        }
        body.started = true
        if body.finished {
            _ = consumer(.end)
            return
        }
        if limit > 0, case .length(let n) = body.framing, n > limit {
            // nginx answers 413 from the Content-Length alone, without reading the body.
            body.failed = true
            _ = consumer(.failure(.tooLarge))
            return
        }
        body.limit = limit
        body.consumer = consumer
        if let request, request.expectsContinue, !response.started, !response.continueSent {
            response.continueSent = true
            writeRaw(Self.continueLine)
        }
        exclusive { processBody() }
        resumeReadingIfNeeded()
    }

    func resumeBody() {
        guard body.paused else { return }
        body.paused = false
        exclusive { processBody() }
        resumeReadingIfNeeded()
    }

    static let continueLine: ByteBuffer = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    /// Hands the consumer a failure and forgets it; the connection will not be reused.
    func failBody(_ error: RequestBodyError) {
        body.failed = true
        bodyTimer = nil
        if let c = body.consumer {
            body.consumer = nil
            _ = c(.failure(error))
        }
    }

    /// Moves body bytes from `input` to the consumer (or discards them when draining).
    func processBody() {
        while input.readableBytes > 0, !body.finished, !body.failed, state == .inFlight || state == .draining {
            let delivering = state == .inFlight && body.consumer != nil && !body.paused
            let draining = state == .draining
            guard delivering || draining else { break }

            var slice: ByteBuffer
            switch body.framing {
            case .none:
                body.finished = true
                continue
            case .length:
                let n = Int(min(Int64(input.readableBytes), body.remaining))
                slice = input.readSlice(length: n)!
                body.remaining -= Int64(n)
                if body.remaining == 0 { body.finished = true }
            case .chunked:
                let (event, consumed) = input.withUnsafeReadableBytes { body.chunked.decode($0) }
                switch event {
                case .data(let range):
                    slice = input.getSlice(at: input.readerIndex + range.lowerBound, length: range.count)!
                    input.moveReaderIndex(forwardBy: consumed)
                case .end:
                    input.moveReaderIndex(forwardBy: consumed)
                    body.finished = true
                    slice = ByteBuffer()
                case .needMore:
                    input.moveReaderIndex(forwardBy: consumed)
                    slice = ByteBuffer()
                case .failure:
                    if delivering { failBody(.malformed) } else { body.failed = true; close() }
                    return
                }
            }
            body.received += Int64(slice.readableBytes)

            if draining {
                body.drained += Int64(slice.readableBytes)
                if body.drained > configuration.maximumDrainBytes {
                    close()
                    return
                }
                if slice.readableBytes == 0 && !body.finished { break }
                continue
            }
            if body.limit > 0, body.received > body.limit {
                failBody(.tooLarge)
                return
            }
            if slice.readableBytes > 0, let c = body.consumer, c(.chunk(slice)) == .pause {
                body.paused = true
            }
            if body.finished, let c = body.consumer {
                body.consumer = nil
                _ = c(.end)
            }
            if slice.readableBytes == 0 && !body.finished { break }
        }
        if (state == .inFlight && body.wantsData || state == .draining && !body.finished) && input.readableBytes == 0 {
            armBodyTimer()
        } else if bodyTimer != nil && !body.wantsData {
            bodyTimer = nil
        }
        if state == .draining && body.finished {
            pendingFinish = true
        }
    }
}
