import NIOCore
import NIOPosix
import SWHostGateway
import Synchronization
import Testing

/// A FastCGI peer that, once a request's empty STDIN record arrives, runs `respond` on the
/// connection (raw record bytes, closing, or nothing at all).
final class ScriptedFastCGIPeer: Sendable {
    private let channel: any Channel

    init(respond: @escaping @Sendable (any Channel) -> Void) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.pipeline.addHandler(Handler(respond: respond)) }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    var address: FastCGIAddress { .inet(host: "127.0.0.1", port: channel.localAddress!.port!) }

    func close() async { try? await channel.close() }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: used only on its channel's event loop.
        typealias InboundIn = ByteBuffer
        let respond: @Sendable (any Channel) -> Void
        var parser = FastCGIRecordParser()

        init(respond: @escaping @Sendable (any Channel) -> Void) { self.respond = respond }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            parser.feed(unwrapInboundIn(data))
            while let record = try? parser.next() {
                if record.type == FastCGIRecord.RecordType.stdin.rawValue, record.content.readableBytes == 0 {
                    respond(context.channel)
                }
            }
        }
    }

    static func records(_ type: FastCGIRecord.RecordType, _ text: String) -> ByteBuffer {
        var out = ByteBuffer()
        FastCGIRecord.writeStream(type: type, requestID: 1, data: ByteBuffer(string: text), to: &out)
        return out
    }

    static var endRequest: ByteBuffer {
        var out = ByteBuffer()
        FastCGIRecord.writeEnd(type: .stdout, requestID: 1, to: &out)
        FastCGIRecord.write(type: .endRequest, requestID: 1, content: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0]).readableBytesView, to: &out)
        return out
    }
}

/// The FastCGI client's failure paths and streaming, against scripted peers. Messages are
/// nginx's (ngx_http_fastcgi_module, ngx_event_connect_peer).
@Suite struct FastCGIExchangeTests {
    let loop = MultiThreadedEventLoopGroup.singleton.next()

    func run(_ address: FastCGIAddress, readTimeout: TimeAmount = .seconds(5),
             stderr: @escaping @Sendable (String) -> Void = { _ in }) async throws(GatewayError) -> GatewayResponse {
        let invocation = FastCGIInvocation(address: address, params: [("REQUEST_METHOD", "GET")], readTimeout: readTimeout)
        return try await FastCGIGateway().run(invocation, body: .none, on: loop, stderr: stderr)
    }

    @Test func aMissingUnixSocketFailsAsNginxSaysIt() async {
        await #expect(throws: GatewayError.connectFailed(
            "connect() to unix:/nonexistent/swhost-test.sock failed (2: No such file or directory) while connecting to upstream",
            critical: true)) {
            _ = try await run(.unix(path: "/nonexistent/swhost-test.sock"))
        }
    }

    /// A TCP port nobody listens on: nginx's `connect() failed (111: Connection refused)`, an
    /// error, not critical.
    @Test func aRefusedTCPConnectionIsABadGatewayLoggedAsAnError() async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        do {
            _ = try await run(.inet(host: "127.0.0.1", port: port))
            Issue.record("connected to a closed port")
        } catch {
            guard case .connectFailed(let reason, let critical) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.hasPrefix("connect() "))
            #expect(reason.hasSuffix("failed (111: Connection refused) while connecting to upstream"))
            #expect(!critical)
            #expect(error.status == 502)
        }
    }

    @Test func anUpstreamThatNeverAnswersTimesOut() async throws {
        let peer = try await ScriptedFastCGIPeer { _ in }
        let start = ContinuousClock.now
        await #expect(throws: GatewayError.timedOut) { _ = try await run(peer.address, readTimeout: .milliseconds(300)) }
        let elapsed = ContinuousClock.now - start
        // Generous upper bound: run with the synchronous end-to-end suites in one process, this
        // task can wait seconds for a thread of the task pool after the timeout fired.
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(30), "timed out after \(elapsed)")
        await peer.close()
    }

    @Test func anUpstreamClosingBeforeTheHeadIsABadGateway() async throws {
        let peer = try await ScriptedFastCGIPeer { $0.close(promise: nil) }
        await #expect(throws: GatewayError.badGateway(
            "upstream prematurely closed FastCGI stdout while reading response header from upstream")) {
            _ = try await run(peer.address)
        }
        await peer.close()
    }

    @Test func endRequestBeforeTheHeadIsABadGateway() async throws {
        let peer = try await ScriptedFastCGIPeer { $0.writeAndFlush(ScriptedFastCGIPeer.endRequest, promise: nil) }
        await #expect(throws: GatewayError.badGateway(
            "upstream closed prematurely FastCGI stdout while reading response header from upstream")) {
            _ = try await run(peer.address)
        }
        await peer.close()
    }

    @Test func stderrIsLoggedAndTheSmallResponseComesWhole() async throws {
        let peer = try await ScriptedFastCGIPeer { channel in
            var out = ScriptedFastCGIPeer.records(.stderr, "careful")
            var body = ScriptedFastCGIPeer.records(.stdout, "Status: 201 Created\r\nContent-Type: text/plain\r\n\r\nmade")
            var end = ScriptedFastCGIPeer.endRequest
            out.writeBuffer(&body)
            out.writeBuffer(&end)
            channel.writeAndFlush(out, promise: nil)
        }
        let lines = Mutex<[String]>([])
        let response = try await run(peer.address) { line in lines.withLock { $0.append(line) } }
        #expect(response.head.status == 201)
        #expect(response.completeBody.map { String(buffer: $0) } == "made")
        #expect(lines.withLock { $0 } == [#"FastCGI sent in stderr: "careful" while reading response header from upstream"#])
        await peer.close()
    }

    /// Many records of odd sizes in writes that end mid-record, read by a slow consumer: every
    /// byte arrives once and in order (reading pauses and resumes as the consumer drains).
    @Test func aLongStreamArrivesWholeAndInOrder() async throws {
        let total = 3 * 1024 * 1024
        let peer = try await ScriptedFastCGIPeer { channel in
            var out = ScriptedFastCGIPeer.records(.stdout, "Content-Type: application/octet-stream\r\n\r\n")
            var offset = 0
            while offset < total {
                let n = min(7777, total - offset)
                let bytes = (0..<n).map { UInt8(truncatingIfNeeded: (offset + $0) % 251) }
                FastCGIRecord.writeStream(type: .stdout, requestID: 1, data: ByteBuffer(bytes: bytes), to: &out)
                offset += n
                if out.readableBytes > 50_000 {
                    // Split a write mid-record.
                    let cut = out.readableBytes - 3
                    channel.write(out.readSlice(length: cut)!, promise: nil)
                }
            }
            var end = ScriptedFastCGIPeer.endRequest
            out.writeBuffer(&end)
            channel.writeAndFlush(out, promise: nil)
        }
        let response = try await run(peer.address)
        #expect(response.completeBody == nil)
        var received = 0
        var inOrder = true
        var chunks = 0
        while let chunk = try await response.body.next() {
            for (i, b) in chunk.readableBytesView.enumerated() where b != UInt8(truncatingIfNeeded: (received + i) % 251) {
                inOrder = false
            }
            received += chunk.readableBytes
            chunks += 1
            if chunks % 16 == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(received == total)
        #expect(inOrder)
        await peer.close()
    }
}
