// swhost: HTTP transport.

import NIOCore
import Synchronization

/// A request body as an `AsyncSequence` of chunks, for async consumers (CGI, FastCGI, Swift handlers).
///
/// Backpressure: once `highWatermark` bytes are buffered and unread, socket reads pause; they
/// resume when the consumer has taken the buffer below `lowWatermark`. Iterate once.
public struct RequestBodySequence: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    final class Storage: Sendable {
        struct State {
            var chunks: [ByteBuffer] = []
            var buffered = 0
            var end: Result<Void, RequestBodyError>?
            var waiter: CheckedContinuation<ByteBuffer?, any Error>?
            var paused = false
        }
        let state = Mutex(State())
        let lowWatermark: Int
        let highWatermark: Int
        let request: HTTPRequest

        init(request: HTTPRequest, low: Int, high: Int) {
            self.request = request
            self.lowWatermark = low
            self.highWatermark = high
        }

        /// Called on the event loop for each body event.
        func receive(_ event: RequestBodyEvent) -> BodyDemand {
            let (waiter, value, demand): (CheckedContinuation<ByteBuffer?, any Error>?, Result<ByteBuffer?, any Error>?, BodyDemand) = state.withLock { s in
                switch event {
                case .chunk(let b):
                    if let w = s.waiter {
                        s.waiter = nil
                        return (w, .success(b), .more)
                    }
                    s.chunks.append(b)
                    s.buffered += b.readableBytes
                    if s.buffered >= highWatermark {
                        s.paused = true
                        return (nil, nil, .pause)
                    }
                    return (nil, nil, .more)
                case .end:
                    s.end = .success(())
                    if let w = s.waiter, s.chunks.isEmpty {
                        s.waiter = nil
                        return (w, .success(nil), .more)
                    }
                    return (nil, nil, .more)
                case .failure(let e):
                    s.end = .failure(e)
                    if let w = s.waiter {
                        s.waiter = nil
                        return (w, .failure(e), .more)
                    }
                    return (nil, nil, .more)
                }
            }
            if let waiter, let value { waiter.resume(with: value) }
            return demand
        }

        func next() async throws -> ByteBuffer? {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<ByteBuffer?, any Error>) in
                let (value, resume): (Result<ByteBuffer?, any Error>?, Bool) = state.withLock { s in
                    if !s.chunks.isEmpty {
                        let b = s.chunks.removeFirst()
                        s.buffered -= b.readableBytes
                        var resume = false
                        if s.paused && s.buffered < lowWatermark {
                            s.paused = false
                            resume = true
                        }
                        return (.success(b), resume)
                    }
                    switch s.end {
                    case .success?: return (.success(nil), false)
                    case .failure(let e)?: return (.failure(e), false)
                    case nil:
                        s.waiter = c
                        return (nil, false)
                    }
                }
                if resume { request.resumeBody() }
                if let value { c.resume(with: value) }
            }
        }
    }

    let storage: Storage

    init(request: HTTPRequest, limit: Int64, lowWatermark: Int, highWatermark: Int) {
        storage = Storage(request: request, low: lowWatermark, high: highWatermark)
        let storage = self.storage
        request.readBody(limit: limit) { storage.receive($0) }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let storage: Storage

        /// The next chunk, nil at the end; throws `RequestBodyError`.
        public mutating func next() async throws -> ByteBuffer? {
            try await storage.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(storage: storage)
    }
}

extension HTTPRequest {
    /// Starts reading the body and returns it as an async sequence of chunks (see `readBody`
    /// for `limit`). Call at most once, instead of `readBody`.
    public func bodySequence(limit: Int64, lowWatermark: Int = 16 * 1024, highWatermark: Int = 64 * 1024) -> RequestBodySequence {
        RequestBodySequence(request: self, limit: limit, lowWatermark: lowWatermark, highWatermark: highWatermark)
    }
}
