import Foundation
import NIOCore
import NIOPosix
import SWHostGateway
import Synchronization
import Testing

/// A FastCGI responder for the tests: counts accepted connections, records each BEGIN_REQUEST's
/// flags, answers every request with its sequence number, and closes the connection after the
/// reply unless FCGI_KEEP_CONN was asked (or `closeAlways`).
final class CountingFastCGIPeer: Sendable {
    struct Counters {
        var accepts = 0
        var requests = 0
        var keepFlags: [Bool] = []
    }
    let counters = Mutex(Counters())
    let closeAlways: Bool
    /// Keeps the connection after a reply, but closes it unanswered when a second request comes
    /// on it (an upstream that timed the connection out just as it was reused).
    let dropSecondRequest: Bool
    private let channel: any Channel

    init(closeAlways: Bool = false, dropSecondRequest: Bool = false) async throws {
        self.closeAlways = closeAlways
        self.dropSecondRequest = dropSecondRequest
        let box = Mutex<CountingFastCGIPeer?>(nil)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                guard let peer = box.withLock({ $0 }) else { return child.eventLoop.makeSucceededVoidFuture() }
                peer.counters.withLock { $0.accepts += 1 }
                return child.pipeline.addHandler(PeerHandler(peer: peer))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        box.withLock { $0 = self }
    }

    var address: FastCGIAddress { .inet(host: "127.0.0.1", port: channel.localAddress!.port!) }
    var snapshot: Counters { counters.withLock { $0 } }

    func close() async { try? await channel.close() }

    /// Reads records; on the empty STDIN answers one response and ends the request.
    final class PeerHandler: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: used only on its channel's event loop.
        typealias InboundIn = ByteBuffer
        let peer: CountingFastCGIPeer
        var parser = FastCGIRecordParser()
        var keep = false
        var served = 0

        init(peer: CountingFastCGIPeer) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            parser.feed(unwrapInboundIn(data))
            while let record = try? parser.next() {
                switch FastCGIRecord.RecordType(rawValue: record.type) {
                case .beginRequest?:
                    if peer.dropSecondRequest && served == 1 {
                        context.close(promise: nil)
                        return
                    }
                    let flags = record.content.getInteger(at: record.content.readerIndex + 2, as: UInt8.self) ?? 0
                    keep = flags & 1 == 1
                    peer.counters.withLock { $0.keepFlags.append(flags & 1 == 1) }
                case .stdin? where record.content.readableBytes == 0:
                    let number = peer.counters.withLock { c -> Int in
                        c.requests += 1
                        return c.requests
                    }
                    var out = ByteBuffer()
                    FastCGIRecord.writeStream(type: .stdout, requestID: record.requestID,
                                              data: ByteBuffer(string: "Content-Type: text/plain\r\n\r\nrequest \(number)"), to: &out)
                    FastCGIRecord.writeEnd(type: .stdout, requestID: record.requestID, to: &out)
                    FastCGIRecord.write(type: .endRequest, requestID: record.requestID,
                                        content: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0]).readableBytesView, to: &out)
                    served += 1
                    let close = !keep || peer.closeAlways
                    let channel = context.channel
                    context.writeAndFlush(NIOAny(out)).whenComplete { _ in if close { channel.close(promise: nil) } }
                default:
                    continue
                }
            }
        }
    }
}

@Suite struct FastCGIConnectionPoolTests {
    let loop = MultiThreadedEventLoopGroup.singleton.next()

    func request(_ peer: CountingFastCGIPeer, keep: Bool, pool: FastCGIConnectionPool, body: GatewayRequestBody = .none) async throws -> String {
        let invocation = FastCGIInvocation(address: peer.address, params: [("REQUEST_METHOD", "GET")], readTimeout: .seconds(5),
                                           keepConnection: keep, pool: pool)
        let response = try await FastCGIGateway().run(invocation, body: body, on: loop, stderr: { _ in })
        // A small response arrives whole with its head (completeBody); else it streams.
        var text = response.completeBody.map { String(buffer: $0) } ?? ""
        while let chunk = try await response.body.next() { text += String(buffer: chunk) }
        return text
    }

    func idle(_ pool: FastCGIConnectionPool, _ peer: CountingFastCGIPeer) async throws -> Int {
        // The check-in is queued on the loop after the body ends: read the count there, after it.
        try await loop.submit { pool.idleCount(peer.address, on: loop) }.get()
    }

    @Test func keepConnReusesOneConnectionForSequentialRequests() async throws {
        let peer = try await CountingFastCGIPeer()
        let pool = FastCGIConnectionPool(maxIdlePerUpstream: 4, idleTimeout: .seconds(30))
        for n in 1...5 {
            #expect(try await request(peer, keep: true, pool: pool, body: .buffered(ByteBuffer(string: "x=\(n)"))) == "request \(n)")
        }
        #expect(peer.snapshot.accepts == 1)
        #expect(peer.snapshot.keepFlags == Array(repeating: true, count: 5))
        #expect(try await idle(pool, peer) == 1)
        await peer.close()
    }

    @Test func keepConnOffOpensOneConnectionPerRequestWithoutTheFlag() async throws {
        let peer = try await CountingFastCGIPeer()
        let pool = FastCGIConnectionPool(maxIdlePerUpstream: 4, idleTimeout: .seconds(30))
        for _ in 1...3 { _ = try await request(peer, keep: false, pool: pool) }
        #expect(peer.snapshot.accepts == 3)
        #expect(peer.snapshot.keepFlags == [false, false, false])
        #expect(try await idle(pool, peer) == 0)
        await peer.close()
    }

    @Test func aConnectionTheUpstreamClosedIsNotReused() async throws {
        let peer = try await CountingFastCGIPeer(closeAlways: true)
        let pool = FastCGIConnectionPool(maxIdlePerUpstream: 4, idleTimeout: .seconds(30))
        for n in 1...3 {
            #expect(try await request(peer, keep: true, pool: pool) == "request \(n)")
        }
        #expect(peer.snapshot.accepts == 3)
        await peer.close()
    }

    @Test func theIdlePoolIsBounded() async throws {
        let peer = try await CountingFastCGIPeer()
        let pool = FastCGIConnectionPool(maxIdlePerUpstream: 2, idleTimeout: .seconds(30))
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await request(peer, keep: true, pool: pool) } }
            for try await text in group { #expect(text.hasPrefix("request ")) }
        }
        #expect(try await idle(pool, peer) <= 2)
        await peer.close()
    }

    @Test func idleConnectionsCloseAfterTheTimeout() async throws {
        let peer = try await CountingFastCGIPeer()
        let pool = FastCGIConnectionPool(maxIdlePerUpstream: 2, idleTimeout: .seconds(3))
        let kept = ContinuousClock.now
        _ = try await request(peer, keep: true, pool: pool)
        let idleAfterRequest = try await idle(pool, peer)
        // On a starved machine the check itself may come after the idle timeout.
        #expect(idleAfterRequest == 1 || ContinuousClock.now - kept >= .seconds(3))
        let deadline = ContinuousClock.now + .seconds(15)
        while try await idle(pool, peer) > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await idle(pool, peer) == 0)
        _ = try await request(peer, keep: true, pool: pool)
        #expect(peer.snapshot.accepts == 2)
        await peer.close()
    }

    @Test func aKeptConnectionClosedOnReuseIsRetriedOnceOnAFreshOne() async throws {
        let peer = try await CountingFastCGIPeer(dropSecondRequest: true)
        let pool = FastCGIConnectionPool(maxIdlePerUpstream: 2, idleTimeout: .seconds(30))
        #expect(try await request(peer, keep: true, pool: pool) == "request 1")
        #expect(try await request(peer, keep: true, pool: pool, body: .buffered(ByteBuffer(string: "a=1"))) == "request 2")
        #expect(peer.snapshot.accepts == 2)
        await peer.close()
    }
}
