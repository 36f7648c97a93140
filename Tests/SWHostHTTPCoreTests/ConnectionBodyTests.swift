import NIOCore
import NIOEmbedded
import Testing

@testable import SWHostHTTPCore

/// Collects body events; `@unchecked Sendable`: only touched on the embedded loop's thread.
final class BodySink: @unchecked Sendable {
    var bytes = ""
    var ended = false
    var error: RequestBodyError?
    var pauseAfterFirst = false
    var chunks = 0

    func handler(_ event: RequestBodyEvent) -> BodyDemand {
        switch event {
        case .chunk(let b):
            bytes += String(buffer: b)
            chunks += 1
            return pauseAfterFirst && chunks == 1 ? .pause : .more
        case .end: ended = true
        case .failure(let e): error = e
        }
        return .more
    }
}

/// Reads the body with `limit`, then answers 200 with the body echoed, or 413/400 on failure.
func echoResponder(limit: Int64 = 0, sink: BodySink = BodySink()) -> ClosureResponder {
    ClosureResponder { request, writer in
        request.readBody(limit: limit) { event in
            let demand = sink.handler(event)
            switch event {
            case .end:
                writer.send(ClosureResponder.okHead, body: .bytes(ByteBuffer(string: sink.bytes)))
            case .failure(let e):
                writer.send(ResponseHead(status: e == .tooLarge ? 413 : 400, headers: ["Server": "swhost"]), body: .empty)
            case .chunk:
                break
            }
            return demand
        }
    }
}

func echoed(_ body: String, connection: String = "keep-alive") -> String {
    "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: \(connection)\r\n\r\n\(body)"
}

@Suite struct ConnectionBodyTests {
    @Test func contentLengthBodyArrivesInPieces() throws {
        let h = try Harness(echoResponder())
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")
        #expect(try h.output() == "")
        // The 11th byte starts the next request: "dGET" is not a method (400 from the core).
        try h.send(" worldGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == echoed("hello worl") + errorPage("400 Bad Request"))
        #expect(!h.isOpen)
    }

    @Test func chunkedBodyIsDecodedAndTrailersSkipped() throws {
        let h = try Harness(echoResponder())
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n")
        try h.send("6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        let out = try h.output()
        #expect(out.hasPrefix(echoed("hello world")))
        #expect(h.responder.requests.count == 2)
    }

    @Test(arguments: ["zz\r\nab\r\n0\r\n\r\n", "ffffffffffffffffff\r\n", "2\r\nabc\r\n0\r\n\r\n"])
    func badChunkedBodyIs400AndClose(body: String) throws {
        let h = try Harness(echoResponder())
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        #expect(try h.output() == "HTTP/1.1 400 Bad Request\r\nServer: swhost\r\nDate: D\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(!h.isOpen)
    }

    @Test func contentLengthOverLimitIs413WithoutReading() throws {
        let sink = BodySink()
        let h = try Harness(echoResponder(limit: 4, sink: sink))
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n")
        #expect(sink.error == .tooLarge)
        #expect(try h.output() == "HTTP/1.1 413 Request Entity Too Large\r\nServer: swhost\r\nDate: D\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(!h.isOpen)
    }

    @Test func chunkedBodyGrowingOverLimitIs413AndClose() throws {
        let sink = BodySink()
        let h = try Harness(echoResponder(limit: 4, sink: sink))
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")
        #expect(sink.error == .tooLarge)
        #expect(try h.output().hasPrefix("HTTP/1.1 413 Request Entity Too Large\r\n"))
        #expect(!h.isOpen)
    }

    @Test func expectContinueIsAnsweredWhenTheBodyIsRead() throws {
        let h = try Harness(echoResponder())
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(try h.output() == "HTTP/1.1 100 Continue\r\n\r\n")
        try h.send("hi")
        #expect(try h.output() == echoed("hi"))
    }

    @Test func expectContinueWithoutReadingClosesAfterResponse() throws {
        let h = try Harness()
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)
    }

    @Test func unreadSmallBodyIsDrainedAndTheConnectionKept() throws {
        let h = try Harness()
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab")
        #expect(try h.output() == okResponse)
        try h.send("cdeGET /next HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try h.output() == okResponse)
        #expect(h.responder.requests.map(\.uri.path) == ["/", "/next"])
    }

    @Test func unreadLargeBodyClosesAfterResponse() throws {
        var c = ConnectionConfiguration()
        c.maximumDrainBytes = 100
        let h = try Harness(configuration: c)
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n")
        #expect(try h.output() == okCloseResponse)
        #expect(!h.isOpen)
    }

    @Test func pausedBodyResumes() throws {
        let sink = BodySink()
        sink.pauseAfterFirst = true
        let h = try Harness(echoResponder(sink: sink))
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc")
        try h.send("def")
        #expect(sink.bytes == "abc")
        h.responder.requests[0].resumeBody()
        #expect(sink.bytes == "abcdef")
        #expect(try h.output() == echoed("abcdef"))
    }

    @Test func bodyTimeoutClosesTheConnection() throws {
        let sink = BodySink()
        let h = try Harness(echoResponder(sink: sink))
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc")
        h.advance(.seconds(59))
        #expect(h.isOpen)
        h.advance(.seconds(2))
        #expect(sink.error == .timedOut)
        #expect(!h.isOpen)
    }

    @Test func collectBodyGathersEverything() throws {
        let got = CompletionBox()
        _ = got
        let h = try Harness(ClosureResponder { request, writer in
            request.collectBody(limit: 100).whenSuccess { body in
                writer.send(ClosureResponder.okHead, body: .bytes(body))
            }
        })
        try h.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n")
        #expect(try h.output() == echoed("hi"))
    }
}
