import NIOCore
import NIOEmbedded
import Testing

@testable import SWHostHTTPCore

@Suite struct ConnectionKeepAliveTests {
    @Test func http11KeepsTheConnection() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okResponse)
        #expect(h.isOpen)
        try h.send("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okResponse)
        #expect(h.responder.requests.map(\.connection.requestNumber) == [1, 2])
        #expect(h.responder.requests[1].uri.path == "/2")
        #expect(h.responder.requests[0].connection.listenerTag == 7)
    }

    @Test func http10ClosesUnlessKeepAliveAsked() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.0\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)

        let k = try Harness()
        try k.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try k.output() == okResponse)
        #expect(k.isOpen)
    }

    @Test func connectionCloseIsHonoured() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)
    }

    @Test func threePipelinedRequestsInOnePacketAreAnsweredInOrder() throws {
        let h = try Harness()
        try h.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okResponse + okResponse + okResponse)
        #expect(h.responder.requests.map(\.uri.path) == ["/1", "/2", "/3"])
    }

    @Test func pipelinedRequestWaitsForTheAsynchronousResponse() throws {
        let responder = ClosureResponder { _, _ in }  // answers later
        let h = try Harness(responder)
        try h.send("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(responder.requests.count == 1)
        responder.writers[0].send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: "ok\n")))
        #expect(responder.requests.count == 2)
        responder.writers[1].send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: "ok\n")))
        #expect(try h.output() == okResponse + okResponse)
    }

    @Test func requestsAfterConnectionCloseAreNotAnswered() throws {
        let h = try Harness()
        try h.send("GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(h.responder.requests.count == 1)
        #expect(!h.isOpen)
    }

    @Test func requestCarriesConnectionFactsAndSetAsideHeaders() throws {
        let h = try Harness()
        try h.send("GET /a%20b?q=1 HTTP/1.1\r\nHost: Site.Example\r\nX_Real: 1\r\n\r\n")
        let r = try #require(h.responder.requests.first)
        #expect(r.uri.path == "/a b")
        #expect(r.uri.args == "q=1")
        #expect(r.uri.requestURI == "/a%20b?q=1")
        #expect(r.host == "site.example")
        #expect(r.headers.first("x_real") == nil)
        #expect(r.underscoreHeaders.first("X_Real") == "1")
        #expect(r.connection.remoteAddress == "127.0.0.1")
        #expect(r.connection.remotePort == 4000)
        #expect(r.connection.connectionID > 0)
        #expect(r.connection.startTimeMicroseconds > 1_700_000_000_000_000)
        #expect(r.bodyContentLength == 0)
    }

    @Test func responderCanForceCloseOrAbort() throws {
        var head = ClosureResponder.okHead
        head.closeConnection = true
        let h = try Harness(ClosureResponder { _, w in w.send(head, body: .bytes(ByteBuffer(string: "ok\n"))) })
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)

        let a = try Harness(ClosureResponder { _, w in w.abort() })
        try a.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try a.output() == "")
        #expect(!a.isOpen)
    }

    @Test func keepaliveRequestsLimitClosesTheLast() throws {
        var c = ConnectionConfiguration()
        c.keepaliveRequests = 2
        let h = try Harness(configuration: c)
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okResponse + okCloseResponse)
        #expect(!h.isOpen)
    }

    @Test func keepaliveTimeoutZeroDisablesKeepAlive() throws {
        var c = ConnectionConfiguration()
        c.keepaliveTimeout = .zero
        let h = try Harness(configuration: c)
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)
    }

    @Test func idleKeepAliveConnectionClosesAfterTimeout() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        _ = try h.output()
        h.advance(.seconds(74))
        #expect(h.isOpen)
        #expect(h.counters.snapshot.waiting == 1)
        h.advance(.seconds(2))
        #expect(!h.isOpen)
        #expect(h.counters.snapshot.active == 0)
    }

    @Test func headMethodGetsLengthButNoBody() throws {
        let h = try Harness()
        try h.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func notModifiedHasNoBodyAndNoLength() throws {
        let h = try Harness(ClosureResponder { _, w in
            w.send(ResponseHead(status: 304, headers: ["Server": "swhost", "ETag": "\"x\""]), body: .bytes(ByteBuffer(string: "ignored")))
        })
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == "HTTP/1.1 304 Not Modified\r\nServer: swhost\r\nDate: D\r\nConnection: keep-alive\r\nETag: \"x\"\r\n\r\n")
    }

    @Test func framingFieldsFromTheResponderAreDropped() throws {
        let head = ResponseHead(status: 200, headers: ["Server": "swhost", "Content-Length": "99", "transfer-encoding": "chunked", "Connection": "x", "X": "y"])
        let h = try Harness(ClosureResponder { _, w in w.send(head, body: .bytes(ByteBuffer(string: "ok\n"))) })
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Length: 3\r\nConnection: keep-alive\r\nX: y\r\n\r\nok\n")
    }

    @Test func prerenderedHeadIsSentWithFraming() throws {
        let head = ResponseHead(status: 200, headers: ["Server": "swhost", "Content-Type": "text/plain"]).prerendered()
        let h = try Harness(ClosureResponder { _, w in w.send(head, body: .bytes(ByteBuffer(string: "ok\n"))) })
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == "HTTP/1.1 200 OK\r\nServer: swhost\r\nContent-Type: text/plain\r\nDate: D\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n")
    }

    @Test func completionReportsBytes() throws {
        let box = CompletionBox()
        let h = try Harness(ClosureResponder { _, w in
            w.send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: "ok\n"))) { box.value = $0 }
        })
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let out = try h.output()
        let c = try #require(box.value)
        #expect(c.status == 200)
        #expect(c.completed)
        #expect(c.bodyBytes == 3)
        #expect(c.headerBytes == Int64(out.utf8.count - 3 - 1 + 29))  // "D" stands for 29 date bytes
    }

    @Test func quiesceClosesIdleAndMarksBusyClose() throws {
        let responder = ClosureResponder { _, _ in }
        let h = try Harness(responder)
        try h.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        h.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(h.isOpen)
        responder.writers[0].send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: "ok\n")))
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)

        // An idle connection gets a grace (ConnectionConfiguration.quiesceGrace, 1 s): silence
        // closes it when the grace ends.
        let idle = try Harness()
        idle.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(idle.isOpen)
        idle.advance(.milliseconds(1100))
        #expect(!idle.isOpen)

        // A request that arrives during the grace is answered, with Connection: close.
        let lateResponder = ClosureResponder { _, _ in }
        let late = try Harness(lateResponder)
        late.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        late.advance(.milliseconds(500))
        try late.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        lateResponder.writers[0].send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: "ok\n")))
        #expect(try late.output() == okCloseResponse)
        #expect(!late.isOpen)
    }
}

/// `@unchecked Sendable`: written and read on the test thread (the embedded loop's).
final class CompletionBox: @unchecked Sendable {
    var value: ResponseCompletion?
}
