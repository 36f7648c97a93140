// swhost: the public Swift handler API.

/// Why a request body could not be read to the end. Rethrow it from `handle`: the host answers
/// with the matching status (413, 400, 408) instead of 500.
public enum HandlerBodyError: Error, Sendable, Hashable {
    /// Larger than `client_max_body_size`: the client gets 413.
    case tooLarge
    /// Malformed chunked framing: 400.
    case malformed
    /// `client_body_timeout` passed between two reads: 408.
    case timedOut
    /// The client went away.
    case connectionClosed
}

/// The request body as an `AsyncSequence` of byte chunks, read from the socket as you iterate.
///
/// Memory stays bounded: the host stops reading from the socket while a few chunks wait unread.
/// `client_max_body_size` is enforced: iteration throws ``HandlerBodyError/tooLarge`` once the
/// body is known to exceed it (at once for a `Content-Length` over the limit). Iterate at most
/// once; a body you never read is discarded by the host after the response.
public struct HandlerRequestBody: AsyncSequence, Sendable {
    /// A chunk of body bytes.
    public typealias Element = [UInt8]

    /// `Content-Length` when the client sent one (0 without a body); nil for chunked bodies.
    public let length: Int64?
    let next: @Sendable () async throws -> [UInt8]?

    /// A body whose chunks come from `next` (nil at the end). Hosts and tests construct it.
    public init(length: Int64?, next: @escaping @Sendable () async throws -> [UInt8]?) {
        self.length = length
        self.next = next
    }

    /// A body with no bytes.
    public static let empty = HandlerRequestBody(length: 0) { nil }

    /// A body of the given chunks (for tests).
    public init(chunks: [[UInt8]]) {
        let source = ChunkList(chunks)
        self.init(length: Int64(chunks.reduce(0) { $0 + $1.count })) { source.pop() }
    }

    /// Iterates the chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let next: @Sendable () async throws -> [UInt8]?

        /// The next chunk, or nil at the end; throws ``HandlerBodyError``.
        public mutating func next() async throws -> [UInt8]? {
            try await next()
        }
    }

    /// Starts iterating (at most once per request).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: next)
    }

    /// Reads the whole body into memory, failing with ``HandlerBodyError/tooLarge`` past
    /// `maximum` bytes (on top of `client_max_body_size`). For small bodies: forms, JSON.
    public func collect(upTo maximum: Int) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in self {
            guard all.count + chunk.count <= maximum else { throw HandlerBodyError.tooLarge }
            all.append(contentsOf: chunk)
        }
        return all
    }
}

import Synchronization

/// The chunks of a test body, handed out once each.
final class ChunkList: Sendable {
    private let chunks: Mutex<[[UInt8]]>

    init(_ chunks: [[UInt8]]) {
        self.chunks = Mutex(chunks.reversed())
    }

    func pop() -> [UInt8]? {
        chunks.withLock { $0.popLast() }
    }
}
