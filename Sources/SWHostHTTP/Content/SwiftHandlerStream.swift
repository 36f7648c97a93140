// swhost: Swift handlers.

import NIOCore
import SWHostHTTPCore
import SWHostKit
import Synchronization

/// Turns a handler's push-style producer (`HandlerBody.stream`) into the transport's pull-style
/// `ResponseBodyStream`, one chunk at a time: the producer's `write` returns only once the
/// transport has taken the chunk, so memory stays at one chunk however large the body.
///
/// The transport holds this outer object; when it lets go (response done, client gone) `deinit`
/// cancels the producer, whose pending and later `write`s throw `CancellationError`. The producer
/// task references only the inner `Rendezvous`, so it cannot keep the outer object alive.
final class SwiftHandlerStream: ResponseBodyStream {
    private let rendezvous: Rendezvous

    init(producer: @escaping @Sendable (HandlerBodyWriter) async throws -> Void) {
        rendezvous = Rendezvous(producer: producer)
    }

    func next() async throws -> ByteBuffer? {
        guard let bytes = try await rendezvous.next() else { return nil }
        return ByteBuffer(bytes: bytes)
    }

    deinit {
        rendezvous.cancel()
    }

    /// The one-slot hand-over between the producer task and the transport.
    final class Rendezvous: Sendable {
        struct State {
            var producer: (@Sendable (HandlerBodyWriter) async throws -> Void)?
            var task: Task<Void, Never>?
            /// A chunk written while no one was reading, with its writer waiting.
            var pending: (bytes: [UInt8], writer: CheckedContinuation<Void, any Error>)?
            var reader: CheckedContinuation<[UInt8]?, any Error>?
            var finished: Result<Void, any Error>?
            var cancelled = false
        }

        let state: Mutex<State>

        init(producer: @escaping @Sendable (HandlerBodyWriter) async throws -> Void) {
            state = Mutex(State(producer: producer))
        }

        /// The transport's side: the next chunk, nil at the end; rethrows the producer's error.
        func next() async throws -> [UInt8]? {
            startIfNeeded()
            return try await withCheckedThrowingContinuation { (reader: CheckedContinuation<[UInt8]?, any Error>) in
                let (value, writer): (Result<[UInt8]?, any Error>?, CheckedContinuation<Void, any Error>?) = state.withLock { s in
                    if let pending = s.pending {
                        s.pending = nil
                        return (.success(pending.bytes), pending.writer)
                    }
                    switch s.finished {
                    case .success?: return (.success(nil), nil)
                    case .failure(let e)?: return (.failure(e), nil)
                    case nil:
                        s.reader = reader
                        return (nil, nil)
                    }
                }
                writer?.resume()
                if let value { reader.resume(with: value) }
            }
        }

        /// The producer's side: hands `bytes` over, waiting while the previous chunk is unread.
        func write(_ bytes: [UInt8]) async throws {
            try await withCheckedThrowingContinuation { (writer: CheckedContinuation<Void, any Error>) in
                let (reader, cancelled): (CheckedContinuation<[UInt8]?, any Error>?, Bool) = state.withLock { s in
                    if s.cancelled { return (nil, true) }
                    if let reader = s.reader {
                        s.reader = nil
                        return (reader, false)
                    }
                    s.pending = (bytes, writer)
                    return (nil, false)
                }
                if cancelled {
                    writer.resume(throwing: CancellationError())
                } else if let reader {
                    reader.resume(returning: bytes)
                    // The transport has the chunk; the producer may prepare the next one meanwhile.
                    writer.resume()
                }
            }
        }

        private func startIfNeeded() {
            let producer: (@Sendable (HandlerBodyWriter) async throws -> Void)? = state.withLock { s in
                defer { s.producer = nil }
                return s.producer
            }
            guard let producer else { return }
            let task = Task { [self] in
                let result: Result<Void, any Error>
                do {
                    try await producer(HandlerBodyWriter { bytes in try await self.write(bytes) })
                    result = .success(())
                } catch {
                    result = .failure(error)
                }
                self.finish(result)
            }
            let cancelled = state.withLock { s in
                s.task = task
                return s.cancelled
            }
            if cancelled { task.cancel() }
        }

        private func finish(_ result: Result<Void, any Error>) {
            let reader = state.withLock { s in
                s.finished = result
                defer { s.reader = nil }
                return s.reader
            }
            reader?.resume(with: result.map { nil })
        }

        /// The transport let go: stop the producer.
        func cancel() {
            let (task, writer, reader) = state.withLock { s in
                s.cancelled = true
                s.producer = nil
                defer {
                    s.pending = nil
                    s.reader = nil
                }
                return (s.task, s.pending?.writer, s.reader)
            }
            task?.cancel()
            writer?.resume(throwing: CancellationError())
            reader?.resume(throwing: CancellationError())
        }
    }
}
