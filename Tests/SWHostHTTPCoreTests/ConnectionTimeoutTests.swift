import NIOCore
import NIOEmbedded
import Testing

@testable import SWHostHTTPCore

/// Holds every write's promise, as a peer that stopped reading would (the socket never drains).
final class StallingWriter: ChannelOutboundHandler, @unchecked Sendable {  // used on the embedded loop only
    typealias OutboundIn = IOData
    var held: [EventLoopPromise<Void>?] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        held.append(promise)
    }

    func flush(context: ChannelHandlerContext) {}
}

@Suite struct ConnectionTimeoutTests {
    @Test func sendTimeoutClosesAStalledResponse() throws {
        let box = CompletionBox()
        let h = try Harness(ClosureResponder { _, w in
            w.send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: "ok\n"))) { box.value = $0 }
        })
        let staller = StallingWriter()
        try h.channel.pipeline.syncOperations.addHandler(staller, position: .first)
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(staller.held.count == 1)
        h.advance(.seconds(59))
        #expect(h.isOpen)
        h.advance(.seconds(2))
        #expect(!h.isOpen)
        #expect(box.value?.completed == false)  // logged as incomplete
        for p in staller.held { p?.fail(ChannelError.ioOnClosedChannel) }
    }

    @Test func sendTimeoutRestartsAfterEachCompletedWrite() throws {
        let h = try Harness(ClosureResponder { _, w in
            w.send(ClosureResponder.okHead, body: .bytes(ByteBuffer(repeating: 0x61, count: 20_000)))
        })
        let staller = StallingWriter()
        try h.channel.pipeline.syncOperations.addHandler(staller, position: .first)
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(staller.held.count == 2)  // head, then the large body
        h.advance(.seconds(50))
        staller.held[0]?.succeed(())
        h.advance(.seconds(50))
        #expect(h.isOpen)
        h.advance(.seconds(11))
        #expect(!h.isOpen)
        staller.held[1]?.fail(ChannelError.ioOnClosedChannel)
    }

    @Test func keepAliveIdleThenHeaderTimeoutForTheNextRequest() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = try h.output()
        h.advance(.seconds(70))
        try h.send("GET / HT")  // first byte: keepalive timer stops, client_header_timeout starts
        h.advance(.seconds(59))
        #expect(h.isOpen)
        h.advance(.seconds(2))
        #expect(!h.isOpen)
    }

    @Test func countersFollowTheConnectionPhases() throws {
        let responder = ClosureResponder { _, _ in }
        let h = try Harness(responder)
        #expect(h.counters.snapshot.waiting == 1)  // nginx: no request bytes yet
        try h.send("GET / HT")
        #expect(h.counters.snapshot.reading == 1)
        #expect(h.counters.snapshot.waiting == 0)
        try h.send("TP/1.1\r\nHost: a\r\n\r\n")
        #expect(h.counters.snapshot.writing == 1)
        responder.writers[0].send(ClosureResponder.okHead, body: .empty)
        #expect(h.counters.snapshot.waiting == 1)
        #expect(h.counters.snapshot.requests == 1)
        #expect(h.counters.snapshot.accepts == 1)
        try h.channel.close().wait()
        #expect(h.counters.snapshot.active == 0)
    }
}

/// Counts the socket reads the connection handler lets through.
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {  // embedded loop only
    typealias OutboundIn = IOData
    var reads = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

@Suite struct ConnectionBackpressureTests {
    @Test func readsPauseWhileAResponseIsInFlight() throws {
        let responder = ClosureResponder { _, _ in }
        let h = try Harness(responder)
        let counter = ReadCounter()
        try h.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        h.channel.read()
        #expect(counter.reads == 1)  // waiting for a head: reads go through
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        h.channel.read()
        #expect(counter.reads == 1)  // in flight, no body wanted: held back
        responder.writers[0].send(ClosureResponder.okHead, body: .empty)
        #expect(counter.reads == 2)  // released once the response is written
    }

    @Test func readsFlowWhileTheBodyIsWantedAndStopWhenPaused() throws {
        let sink = BodySink()
        sink.pauseAfterFirst = true
        let h = try Harness(ClosureResponder { request, _ in request.readBody(limit: 0) { sink.handler($0) } })
        let counter = ReadCounter()
        try h.channel.pipeline.syncOperations.addHandler(counter, position: .first)
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n")
        h.channel.read()
        #expect(counter.reads == 1)  // body wanted
        try h.send("abc")
        h.channel.read()
        #expect(counter.reads == 1)  // consumer paused
        h.responder.requests[0].resumeBody()
        #expect(counter.reads == 2)
    }
}
