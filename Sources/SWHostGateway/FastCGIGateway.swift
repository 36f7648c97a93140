// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore
import NIOPosix
import Synchronization

/// Where a FastCGI application listens.
public enum FastCGIAddress: Sendable, Hashable {
    case inet(host: String, port: Int)
    case unix(path: String)
}

/// One FastCGI request as the HTTP layer decided it.
public struct FastCGIInvocation: Sendable {
    public var address: FastCGIAddress
    /// The PARAMS, in order (`fastcgi_param` values and the `HTTP_*` request headers).
    public var params: [(name: String, value: String)]
    public var connectTimeout: TimeAmount
    public var readTimeout: TimeAmount

    public init(address: FastCGIAddress, params: [(name: String, value: String)],
                connectTimeout: TimeAmount = .seconds(60), readTimeout: TimeAmount = .seconds(60)) {
        self.address = address
        self.params = params
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }
}

/// The FastCGI client (responder role): one connection per request, records written as the
/// request body arrives, STDOUT parsed like CGI output and streamed, STDERR to the log.
public struct FastCGIGateway: Sendable {
    static let requestID: UInt16 = 1

    public init() {}

    public func run(_ invocation: FastCGIInvocation, body: GatewayRequestBody, on loop: any EventLoop,
                    stderr: @escaping @Sendable (String) -> Void) async throws(GatewayError) -> GatewayResponse {
        let queue = InboundQueue(loop: loop)
        let channel: any Channel
        do {
            let bootstrap = ClientBootstrap(group: loop)
                .connectTimeout(invocation.connectTimeout)
                .channelOption(.autoRead, value: false)
                .channelInitializer { $0.pipeline.addHandler(queue) }
            switch invocation.address {
            case .inet(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch let error as ChannelError where error == .connectTimeout(invocation.connectTimeout) {
            throw .timedOut
        } catch {
            throw .badGateway("connect() to \(invocation.address) failed (\(error)) while connecting to upstream")
        }

        var head = ByteBuffer()
        FastCGIRecord.writeBeginRequest(requestID: Self.requestID, keepConnection: false, to: &head)
        FastCGIRecord.writeStream(type: .params, requestID: Self.requestID, data: FastCGIRecord.encodeParams(invocation.params), to: &head)
        FastCGIRecord.writeEnd(type: .params, requestID: Self.requestID, to: &head)
        channel.writeAndFlush(head, promise: nil)
        Task { await Self.feed(body, to: channel) }

        let exchange = FastCGIExchange(channel: channel, queue: queue, timeout: invocation.readTimeout, stderr: stderr)
        var parser = CGIHeaderParser()
        while true {
            let data: ByteBuffer?
            do {
                data = try await exchange.nextStdout()
            } catch let error as GatewayError {
                exchange.close()
                throw error
            } catch {
                exchange.close()
                throw .badGateway("\(error) while reading response header from upstream")
            }
            guard let data else {
                exchange.close()
                throw .badGateway("upstream closed prematurely FastCGI stdout while reading response header from upstream")
            }
            let progress: CGIHeaderParser.Progress
            do {
                progress = try parser.feed(data)
            } catch {
                exchange.close()
                throw error
            }
            if case .head(let responseHead, let rest) = progress {
                return GatewayResponse(head: responseHead, body: FastCGIOutputStream(exchange: exchange, leftover: rest))
            }
        }
    }

    /// STDIN records from the request body, then the empty one.
    static func feed(_ body: GatewayRequestBody, to channel: any Channel) async {
        do {
            switch body {
            case .none:
                break
            case .buffered(let buffer):
                var out = ByteBuffer()
                FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: buffer, to: &out)
                if out.readableBytes > 0 { try await channel.writeAndFlush(out).get() }
            case .stream(let sequence):
                for try await chunk in sequence {
                    var out = ByteBuffer()
                    FastCGIRecord.writeStream(type: .stdin, requestID: requestID, data: chunk, to: &out)
                    try await channel.writeAndFlush(out).get()
                }
            }
            var end = ByteBuffer()
            FastCGIRecord.writeEnd(type: .stdin, requestID: requestID, to: &end)
            try await channel.writeAndFlush(end).get()
        } catch {
            // The upstream went away or the client did: the reader side reports it.
            return
        }
    }
}

/// Reads records from one FastCGI connection, demultiplexing STDOUT (returned) from STDERR
/// (logged) until END_REQUEST.
final class FastCGIExchange: Sendable {
    private struct State {
        var parser = FastCGIRecordParser()
        var ended = false
        var closed = false
    }
    private let state = Mutex(State())
    let channel: any Channel
    let queue: InboundQueue
    let timeout: TimeAmount
    let stderr: @Sendable (String) -> Void

    init(channel: any Channel, queue: InboundQueue, timeout: TimeAmount, stderr: @escaping @Sendable (String) -> Void) {
        self.channel = channel
        self.queue = queue
        self.timeout = timeout
        self.stderr = stderr
    }

    /// The next STDOUT bytes; nil after END_REQUEST. Throws when the connection ends first.
    func nextStdout() async throws -> ByteBuffer? {
        while true {
            let outcome = state.withLock { (s: inout State) -> Result<ByteBuffer?, GatewayError>? in
                do throws(GatewayError) {
                    while let record = try s.parser.next() {
                        guard record.requestID == FastCGIGateway.requestID else { continue }
                        switch FastCGIRecord.RecordType(rawValue: record.type) {
                        case .stdout?:
                            if record.content.readableBytes > 0 { return .success(record.content) }
                        case .stderr?:
                            if record.content.readableBytes > 0 {
                                stderr("FastCGI sent in stderr: \"\(String(decoding: record.content.readableBytesView, as: UTF8.self))\"")
                            }
                        case .endRequest?:
                            s.ended = true
                            let status = record.content.getInteger(at: record.content.readerIndex + 4, as: UInt8.self) ?? 0
                            if status != FastCGIRecord.ProtocolStatus.requestComplete.rawValue {
                                return .failure(.badGateway("upstream rejected the request (FastCGI protocol status \(status))"))
                            }
                            return .success(nil)
                        default:
                            continue
                        }
                    }
                    if s.ended { return .success(nil) }
                    return nil
                } catch {
                    return .failure(error)
                }
            }
            if let outcome { return try outcome.get() }
            guard let bytes = try await queue.next(timeout: timeout) else {
                throw GatewayError.badGateway("upstream prematurely closed FastCGI stdout while reading upstream")
            }
            state.withLock { $0.parser.feed(bytes) }
        }
    }

    func close() {
        let first = state.withLock { s in
            defer { s.closed = true }
            return !s.closed
        }
        if first { channel.close(promise: nil) }
    }
}

/// A FastCGI response body: STDOUT records after the header block, until END_REQUEST.
final class FastCGIOutputStream: ResponseBodyStream {
    private let exchange: FastCGIExchange
    private let leftover: Mutex<ByteBuffer?>

    init(exchange: FastCGIExchange, leftover: ByteBuffer) {
        self.exchange = exchange
        self.leftover = Mutex(leftover.readableBytes > 0 ? leftover : nil)
    }

    func next() async throws -> ByteBuffer? {
        if let first = leftover.withLock({ value -> ByteBuffer? in
            defer { value = nil }
            return value
        }) {
            return first
        }
        do {
            if let chunk = try await exchange.nextStdout() { return chunk }
            exchange.close()
            return nil
        } catch {
            if case GatewayError.timedOut = error {
                exchange.stderr("upstream timed out while reading upstream")
            } else {
                exchange.stderr("\(error)")
            }
            exchange.close()
            throw error
        }
    }

    deinit {
        exchange.close()
    }
}
