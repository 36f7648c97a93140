// End-to-end: HTTP/1.x protocol behaviour (RFC 9112) as nginx 1.22 shows it: keep-alive,
// pipelining, Expect, and the errors of the request head. Checked against nginx 1.22
// (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let protocolServer = SharedServer {
    try E2EServer(
        name: "protocol",
        http: """
            client_max_body_size 1k;
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location = /ok { return 200 "ok\\n"; }
                location /big/ { client_max_body_size 100k; return 200 "big ok\\n"; }
            }
            server {
                listen 127.0.0.1:{PORT2};
                server_name localhost;
                root www;
                keepalive_requests 2;
                location / { }
            }
            """,
        files: ["www/a.txt": "aaa\n", "www/b.txt": "bbbb\n", "www/c.txt": "ccccc\n"])
}

@Suite(.serialized) struct ProtocolTests {
    var s: E2EServer { get throws { try protocolServer.get() } }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let c = try s.client()
        for path in ["/a.txt", "/b.txt", "/c.txt", "/ok"] {
            let r = try c.request(path: path)
            #expect(r.status == 200)
            #expect(r.header("Connection") == "keep-alive")
        }
        #expect(!c.isClosedByPeer(within: .milliseconds(200)))
    }

    @Test func threePipelinedRequestsInOneWrite() throws {
        let s = try s
        let c = try s.client()
        let host = "Host: 127.0.0.1:\(s.port)\r\n"
        try c.send("GET /a.txt HTTP/1.1\r\n\(host)\r\nGET /b.txt HTTP/1.1\r\n\(host)\r\nGET /c.txt HTTP/1.1\r\n\(host)\r\n")
        let bodies = try (0..<3).map { _ in try c.readResponse().bodyString }
        #expect(bodies == ["aaa\n", "bbbb\n", "ccccc\n"])
    }

    @Test func pipelinedHeadAndGetStayInSync() throws {
        let s = try s
        let c = try s.client()
        let host = "Host: x\r\n"
        try c.send("HEAD /a.txt HTTP/1.1\r\n\(host)\r\nGET /b.txt HTTP/1.1\r\n\(host)\r\nGET /c.txt HTTP/1.1\r\n\(host)Connection: close\r\n\r\n")
        let head = try c.readResponse(isHEAD: true)
        #expect(head.header("Content-Length") == "4")
        #expect(try c.readResponse().bodyString == "bbbb\n")
        let last = try c.readResponse()
        #expect(last.bodyString == "ccccc\n")
        #expect(last.header("Connection") == "close")
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test func http10ClosesUnlessKeepAliveAsked() throws {
        let s = try s
        let c = try s.client()
        let r = try c.request(path: "/a.txt", version: "HTTP/1.0", headers: [("Connection", "keep-alive")])
        #expect(r.version == "HTTP/1.1")
        #expect(r.header("Connection") == "keep-alive")
        let again = try c.request(path: "/b.txt", version: "HTTP/1.0")
        #expect(again.bodyString == "bbbb\n")
        #expect(again.header("Connection") == "close")
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test func http10WithoutHostIsServedByTheDefaultServer() throws {
        let c = try s.client()
        try c.send("GET /a.txt HTTP/1.0\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 200)
        #expect(r.bodyString == "aaa\n")
    }

    @Test func http11WithoutHostIs400() throws {
        let c = try s.client()
        try c.send("GET /a.txt HTTP/1.1\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 400)
        #expect(r.header("Connection") == "close")
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test(arguments: ["GET\r\n\r\n", "GET /a.txt HTTP/1.1 extra\r\nHost: x\r\n\r\n", "G@T /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",
                      "GET a.txt HTTP/1.1\r\nHost: x\r\n\r\n"])
    func malformedRequestLineIs400AndCloses(raw: String) throws {
        let c = try s.client()
        try c.send(raw)
        let r = try c.readResponse()
        #expect(r.status == 400)
        #expect(r.bodyString.contains("<title>400 Bad Request</title>"))
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test func transferEncodingWithContentLengthIs400() throws {
        let c = try s.client()
        try c.send("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 400)
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test func transferEncodingIdentityIs501() throws {
        let c = try s.client()
        try c.send("POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 501)
        #expect(r.bodyString.contains("<title>501 Not Implemented</title>"))
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test func tooLongURIIs414() throws {
        let c = try s.client()
        let r = try c.request(path: "/" + String(repeating: "a", count: 9000))
        #expect(r.status == 414)
        #expect(r.bodyString.contains("<title>414 Request-URI Too Large</title>"))
    }

    @Test func tooLargeHeaderIs400() throws {
        let c = try s.client()
        let r = try c.request(path: "/a.txt", headers: [("X-Big", String(repeating: "b", count: 9000))])
        #expect(r.status == 400)
        #expect(r.bodyString.contains("Request Header Or Cookie Too Large"))
    }

    @Test func bodyOverClientMaxBodySizeIs413() throws {
        let c = try s.client()
        let r = try c.request(method: "POST", path: "/ok", body: [UInt8](repeating: 65, count: 2000))
        #expect(r.status == 413)
        #expect(r.bodyString.contains("<title>413 Request Entity Too Large</title>"))
        #expect(r.header("Connection") == "close")
    }

    @Test func bodyUnderTheLocationsLimitIsAccepted() throws {
        let c = try s.client()
        let r = try c.request(method: "POST", path: "/big/x", body: [UInt8](repeating: 65, count: 2000))
        #expect(r.status == 200)
        #expect(r.bodyString == "big ok\n")
        // The unread body was discarded, not parsed as the next request.
        let next = try c.request(path: "/a.txt")
        #expect(next.bodyString == "aaa\n")
    }

    @Test func chunkedBodyIsDiscardedBeforeTheNextRequest() throws {
        let c = try s.client()
        try c.send("POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try c.readResponse().bodyString == "ok\n")
        #expect(try c.readResponse().bodyString == "bbbb\n")
    }

    /// Expect: 100-continue with a body the handler does not read: the final status may come
    /// without 100 Continue (RFC 9110 §10.1.1); nothing must be left half-read.
    @Test func expectContinueGetsAFinalAnswer() throws {
        let c = try s.client()
        try c.send("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        var r = try c.readResponse()
        if r.status == 100 {
            try c.send("hello")
            r = try c.readResponse()
        }
        #expect(r.status == 200)
        #expect(r.bodyString == "ok\n")
    }

    @Test func expectContinueOverTheLimitIs413WithoutContinue() throws {
        let c = try s.client()
        try c.send("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.status == 413)
    }

    @Test func headHasNoBodyAndKeepsTheConnection() throws {
        let c = try s.client()
        let r = try c.request(method: "HEAD", path: "/c.txt")
        #expect(r.header("Content-Length") == "6")
        #expect(c.bufferedBytes.isEmpty)
        #expect(try c.request(path: "/a.txt").bodyString == "aaa\n")
    }

    @Test func keepaliveRequestsClosesAfterTheLimit() throws {
        let s = try s
        let c = try s.client(port: s.port2)
        let first = try c.request(path: "/a.txt")
        #expect(first.header("Connection") == "keep-alive")
        let second = try c.request(path: "/b.txt")
        #expect(second.header("Connection") == "close")
        #expect(c.isClosedByPeer(within: .seconds(2)))
    }

    @Test func errorsKeepTheConnectionAlive() throws {
        let c = try s.client()
        #expect(try c.request(path: "/missing").status == 404)
        #expect(try c.request(path: "/a.txt", headers: [("Range", "bytes=100-")]).status == 416)
        #expect(try c.request(path: "/a.txt", headers: [("If-None-Match", "*")]).status == 304)
        #expect(try c.request(path: "/a.txt").bodyString == "aaa\n")
    }

    @Test func curlAgreesOnKeepAlive() throws {
        let s = try s
        let out = try curl(["-v", "http://127.0.0.1:\(s.port)/a.txt", "http://127.0.0.1:\(s.port)/b.txt"])
        #expect(out.stdout == "aaa\nbbbb\n")
        #expect(out.stderr.contains("Re-using existing connection"))
    }
}
