// swhost: CGI and FastCGI gateways.

import Synchronization

/// `cgi_max_processes`: at most `limit` CGI processes per worker. A request over the limit waits
/// in a queue as long as the limit itself; past that it is refused (503).
public final class ProcessLimiter: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }
    private let state = Mutex(State())

    /// The limiter every CGI request of this process shares.
    public static let shared = ProcessLimiter()

    public init() {}

    /// Processes running now (for tests and status).
    public var running: Int { state.withLock { $0.running } }

    /// Takes a slot, waiting for one when `limit` are in use; throws `.busy` when the queue is full.
    func acquire(limit: Int) async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let outcome: Bool? = state.withLock { s in
                if s.running < max(limit, 1) {
                    s.running += 1
                    return true
                }
                if s.waiters.count < max(limit, 1) {
                    s.waiters.append(c)
                    return nil
                }
                return false
            }
            switch outcome {
            case true?: c.resume()
            case false?: c.resume(throwing: GatewayError.busy)
            case nil: break
            }
        }
    }

    /// Gives a slot back; the first waiter, if any, takes it over.
    func release() {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { s in
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.running -= 1
            return nil
        }
        next?.resume()
    }
}
