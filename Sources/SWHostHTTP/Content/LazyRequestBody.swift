// swhost: Swift handlers.

import NIOCore
import SWHostHTTPCore
import SWHostKit
import Synchronization

/// The request body for a Swift handler, started on the first read so a handler that ignores
/// the body leaves it to the transport (which discards it after the response).
///
/// Backpressure comes from `RequestBodySequence`: socket reads pause while 64 KiB wait unread.
final class LazyRequestBody: Sendable {
    private let request: HTTPRequest
    private let limit: Int64
    private let sequence = Mutex<RequestBodySequence?>(nil)

    init(request: HTTPRequest, limit: Int64) {
        self.request = request
        self.limit = limit
    }

    /// The next chunk, nil at the end; throws `HandlerBodyError`.
    func next() async throws -> [UInt8]? {
        let body = sequence.withLock { s in
            if let s { return s }
            let started = request.bodySequence(limit: limit)
            s = started
            return started
        }
        // The iterator is a stateless view of the sequence's shared buffer, so a fresh one per
        // call continues where the last left off.
        var iterator = body.makeAsyncIterator()
        do {
            guard let buffer = try await iterator.next() else { return nil }
            return Array(buffer.readableBytesView)
        } catch let error as RequestBodyError {
            switch error {
            case .tooLarge: throw HandlerBodyError.tooLarge
            case .malformed: throw HandlerBodyError.malformed
            case .timedOut: throw HandlerBodyError.timedOut
            case .connectionClosed: throw HandlerBodyError.connectionClosed
            }
        }
    }
}
