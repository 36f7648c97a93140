// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Runs CGI/1.1 scripts (RFC 3875): spawns the process (off the event loop, in the caller's
/// task), writes the request body to its stdin, logs its stderr line by line, parses the header
/// block on its stdout and hands the rest back whole or as a stream. The pipes are driven by the
/// gateway reactor (`CGIExchange`), not by NIO channels.
public struct CGIGateway: Sendable {
    let limiter: ProcessLimiter

    public init(limiter: ProcessLimiter = .shared) {
        self.limiter = limiter
    }

    /// Starts `invocation` and returns once the script runs (or could not be started);
    /// `onHead` then runs on `loop`, once, with the response head or the failure (a
    /// `GatewayError`: `.busy` over `cgi_max_processes`, `.badGateway` when the script cannot be
    /// started or sends no valid header block, `.timedOut` when it stays silent). Once the head
    /// is out, failures surface from the body stream (the connection is then closed).
    /// `stderr` receives each line the script writes to its stderr (without the newline), on
    /// the reactor's thread.
    public func start(_ invocation: CGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                      stderr: @escaping @Sendable (String) -> Void,
                      onHead: @escaping @Sendable (Result<GatewayResponse, GatewayError>) -> Void) async {
        _ = Self.ignoreSIGPIPE
        do {
            try await limiter.acquire(limit: invocation.maxProcesses)
        } catch {
            loop.execute { onHead(.failure(.busy)) }
            return
        }
        // Input held in memory goes to stdin at once; a spooled (or streamed) body is fed by a task.
        var input: ByteBuffer?
        var feed = false
        switch body {
        case .none: break
        case .buffered(let buffer): if buffer.readableBytes > 0 { input = buffer }
        case .stream, .spooled: feed = true
        }
        let process: SpawnedProcess
        do {
            process = try await SpawnedProcess.spawn(
                path: invocation.executable, arguments: invocation.arguments, environment: invocation.environment,
                directory: invocation.workingDirectory, input: input != nil || feed)
        } catch {
            limiter.release()
            loop.execute { onHead(.failure(error)) }
            return
        }
        let exchange = CGIExchange(process: process, loop: loop, readTimeout: invocation.readTimeout, limiter: limiter, stderr: stderr)
        exchange.begin(nph: invocation.nph, input: input, inputComplete: !feed, onHead: onHead)
        if feed {
            Task { await Self.feed(body, to: exchange) }
        }
    }

    /// `start`, awaiting the head.
    public func run(_ invocation: CGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                    stderr: @escaping @Sendable (String) -> Void) async throws(GatewayError) -> GatewayResponse {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<GatewayResponse, GatewayError>, Never>) in
            Task {
                await start(invocation, body: body, on: loop, stderr: stderr) { continuation.resume(returning: $0) }
            }
        }
        return try result.get()
    }

    /// Streams a spooled or streamed request body into the script's stdin, then closes it. A
    /// script that exits (or closes stdin) without reading makes `send` throw: the rest of the
    /// body is left unread.
    static func feed(_ body: GatewayRequestBody, to exchange: CGIExchange) async {
        do {
            switch body {
            case .none, .buffered:
                return
            case .stream(let sequence):
                for try await chunk in sequence { try await exchange.send(chunk, last: false) }
            case .spooled(let file):
                for try await chunk in file.chunks() { try await exchange.send(chunk, last: false) }
            }
            try await exchange.send(ByteBuffer(), last: true)
        } catch {
            return
        }
    }

    /// Writes to a pipe whose reader is gone must fail with EPIPE, not kill the process: the
    /// server ignores SIGPIPE from the start, and so does NIO on its first socket; this covers
    /// a process that runs scripts before either (tests).
    private static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}
