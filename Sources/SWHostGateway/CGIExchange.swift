// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore
import Synchronization

/// The resources of one running CGI script (process, pipe channels, limiter slot), released
/// exactly once whichever way the exchange ends: output read to the end, an error, a timeout, or
/// the response dropped (client gone, local redirect, HEAD).
final class CGIExchange: Sendable {
    let process: SpawnedProcess
    let stdout: InboundQueue
    private let channels: Mutex<[(channel: any Channel, keepUntilEOF: Bool)]>
    private let finished = Mutex(false)
    private let limiter: ProcessLimiter
    private let grace: Int64

    init(process: SpawnedProcess, stdout: InboundQueue, limiter: ProcessLimiter, graceSeconds: Int64) {
        self.process = process
        self.stdout = stdout
        self.channels = Mutex([])
        self.limiter = limiter
        self.grace = graceSeconds
    }

    /// Keeps `channel` to close when the exchange ends. `keepUntilEOF` (stderr): a normal end
    /// leaves it open so the last lines still reach the log; it closes at the script's EOF.
    func adopt(_ channel: any Channel, keepUntilEOF: Bool = false) {
        let late = finished.withLock { $0 }
        if late {
            channel.close(promise: nil)
        } else {
            channels.withLock { $0.append((channel, keepUntilEOF)) }
        }
    }

    /// Ends the exchange: kills the process group when `kill` (the output was not read to its
    /// end), closes the pipes, then reaps the child and frees the slot in the background.
    func finish(kill: Bool) {
        let first = finished.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if kill { process.kill() }
        let open = channels.withLock { list in
            defer { list = [] }
            return list
        }
        for (channel, keep) in open where kill || !keep { channel.close(promise: nil) }
        let process = self.process
        let limiter = self.limiter
        let grace = kill ? 0 : self.grace
        Task {
            _ = await process.reap(grace: grace)
            limiter.release()
        }
    }
}

/// A CGI script's output after its header block: the bytes that came with the head, then the
/// pipe, chunk by chunk as the client takes them.
final class CGIOutputStream: ResponseBodyStream {
    private let exchange: CGIExchange
    private let timeout: TimeAmount
    private let leftover: Mutex<ByteBuffer?>
    private let onTimeout: @Sendable () -> Void

    init(exchange: CGIExchange, leftover: ByteBuffer, timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        self.exchange = exchange
        self.timeout = timeout
        self.leftover = Mutex(leftover.readableBytes > 0 ? leftover : nil)
        self.onTimeout = onTimeout
    }

    func next() async throws -> ByteBuffer? {
        if let first = leftover.withLock({ value -> ByteBuffer? in
            defer { value = nil }
            return value
        }) {
            return first
        }
        do {
            if let chunk = try await exchange.stdout.next(timeout: timeout) { return chunk }
            exchange.finish(kill: false)
            return nil
        } catch {
            if case GatewayError.timedOut = error { onTimeout() }
            exchange.finish(kill: true)
            throw error
        }
    }

    deinit {
        exchange.finish(kill: true)
    }
}
