// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// Runs CGI/1.1 scripts (RFC 3875): spawns the process off the event loop, streams the request
/// body to its stdin, logs its stderr line by line, parses the header block on stdout and hands
/// the rest back as a stream. The pipes are NIO channels on the request's event loop.
public struct CGIGateway: Sendable {
    let limiter: ProcessLimiter

    public init(limiter: ProcessLimiter = .shared) {
        self.limiter = limiter
    }

    /// Runs `invocation`. `stderr` receives each line the script writes to its stderr (without
    /// the newline). Throws a `GatewayError` when no response head could be produced; once the
    /// head is returned, failures surface from the body stream (the connection is then closed).
    public func run(_ invocation: CGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                    stderr: @escaping @Sendable (String) -> Void) async throws(GatewayError) -> GatewayResponse {
        do {
            try await limiter.acquire(limit: invocation.maxProcesses)
        } catch {
            throw .busy
        }
        let process: SpawnedProcess
        do {
            process = try await SpawnedProcess.spawn(
                path: invocation.executable, arguments: invocation.arguments,
                environment: invocation.environment.map { "\($0.name)=\($0.value)" },
                directory: invocation.workingDirectory)
        } catch {
            limiter.release()
            throw error
        }
        let stdoutQueue = InboundQueue(loop: loop)
        let graceSeconds = max(Int64(1), invocation.readTimeout.nanoseconds / 1_000_000_000)
        let exchange = CGIExchange(process: process, stdout: stdoutQueue, limiter: limiter, graceSeconds: graceSeconds)
        do {
            let stdoutChannel = try await Self.reader(fd: process.stdoutRead, queue: stdoutQueue, loop: loop)
            exchange.adopt(stdoutChannel)
            let stderrQueue = InboundQueue(loop: loop)
            let stderrChannel = try await Self.reader(fd: process.stderrRead, queue: stderrQueue, loop: loop)
            exchange.adopt(stderrChannel, keepUntilEOF: true)
            Task { await Self.drainLines(stderrQueue, to: stderr) }
            if case .none = body {
                // Nothing to send: the script reads EOF at once, and no channel or task is needed.
                close(process.stdinWrite)
            } else {
                let stdinChannel = try await NIOPipeBootstrap(group: loop).takingOwnershipOfDescriptor(output: process.stdinWrite) { channel in
                    channel.eventLoop.makeSucceededFuture(channel)
                }
                exchange.adopt(stdinChannel)
                Task { await Self.feed(body, to: stdinChannel) }
            }
        } catch {
            exchange.finish(kill: true)
            throw .badGateway("could not set up the CGI pipes: \(error)")
        }

        var parser = CGIHeaderParser(nph: invocation.nph)
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await stdoutQueue.next(timeout: invocation.readTimeout)
            } catch GatewayError.timedOut {
                exchange.finish(kill: true)
                throw .timedOut
            } catch {
                exchange.finish(kill: true)
                throw .badGateway("reading the CGI output failed: \(error)")
            }
            guard let chunk else {
                exchange.finish(kill: false)
                throw .badGateway(parser.bufferedBytes == 0
                    ? "CGI script exited without sending a response header"
                    : "CGI script sent an incomplete response header")
            }
            let progress: CGIHeaderParser.Progress
            do {
                progress = try parser.feed(chunk)
            } catch {
                exchange.finish(kill: true)
                throw error
            }
            if case .head(let head, let rest) = progress {
                let stream = CGIOutputStream(exchange: exchange, leftover: rest, timeout: invocation.readTimeout) {
                    stderr("CGI script timed out (\(invocation.readTimeout.nanoseconds / 1_000_000) ms) while sending the response body")
                }
                return GatewayResponse(head: head, body: stream)
            }
        }
    }

    static func reader(fd: CInt, queue: InboundQueue, loop: any EventLoop) async throws -> any Channel {
        try await NIOPipeBootstrap(group: loop)
            .channelOption(.autoRead, value: false)
            .takingOwnershipOfDescriptor(input: fd) { channel in
                channel.pipeline.addHandler(queue).map { channel }
            }
    }

    /// Streams the request body into the script's stdin, then closes it. A script that exits
    /// without reading fails the pending write (EPIPE); the rest of the body is left unread.
    static func feed(_ body: GatewayRequestBody, to channel: any Channel) async {
        defer { channel.close(promise: nil) }
        do {
            switch body {
            case .none:
                return
            case .buffered(let buffer):
                if buffer.readableBytes > 0 { try await channel.writeAndFlush(buffer).get() }
            case .stream(let sequence):
                for try await chunk in sequence {
                    guard channel.isActive else { return }
                    try await channel.writeAndFlush(chunk).get()
                }
            case .spooled(let file):
                for try await chunk in file.chunks() {
                    guard channel.isActive else { return }
                    try await channel.writeAndFlush(chunk).get()
                }
            }
        } catch {
            return
        }
    }

    /// Splits the script's stderr into lines for the error log (long lines are cut at 2 KiB).
    static func drainLines(_ queue: InboundQueue, to log: @Sendable (String) -> Void) async {
        var pending: [UInt8] = []
        while true {
            guard let chunk = try? await queue.next(timeout: .hours(24 * 365)) else { break }
            for byte in chunk.readableBytesView {
                if byte == UInt8(ascii: "\n") {
                    if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                    log(String(decoding: pending, as: UTF8.self))
                    pending.removeAll(keepingCapacity: true)
                } else if pending.count < 2048 {
                    pending.append(byte)
                }
            }
        }
        if !pending.isEmpty { log(String(decoding: pending, as: UTF8.self)) }
    }
}
