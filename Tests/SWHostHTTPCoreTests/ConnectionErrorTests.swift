import NIOCore
import NIOEmbedded
import Testing

@testable import SWHostHTTPCore

@Suite struct ConnectionErrorTests {
    /// Every malformed request gets nginx's page, `Connection: close`, and a closed connection.
    @Test(arguments: [
        ("GET / HTTP/1.1\r\n\r\n", "400 Bad Request"),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", "505 HTTP Version Not Supported"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "501 Not Implemented"),
        ("GET /../x HTTP/1.1\r\nHost: a\r\n\r\n", "400 Bad Request"),
        ("GET /%00 HTTP/1.1\r\nHost: a\r\n\r\n", "400 Bad Request"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\t2\r\n\r\n", "400 Bad Request"),
    ])
    func malformedRequestGetsNginxPageAndClose(request: String, status: String) throws {
        let h = try Harness()
        try h.send(request)
        #expect(try h.output() == errorPage(status))
        #expect(!h.isOpen)
        #expect(h.responder.requests.isEmpty)
    }

    @Test func longRequestLineIs414() throws {
        let h = try Harness()
        try h.send("GET /" + String(repeating: "a", count: 9000))
        #expect(try h.output() == errorPage("414 Request-URI Too Large"))
        #expect(!h.isOpen)
    }

    @Test func longHeaderLineIs400TooLarge() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.1\r\nCookie: " + String(repeating: "c", count: 9000))
        #expect(try h.output() == errorPage(
            "400 Bad Request", extra: "<center>Request Header Or Cookie Too Large</center>\r\n",
            title: "400 Request Header Or Cookie Too Large"))
        #expect(!h.isOpen)
    }

    @Test func serverTokensOffHidesTheVersion() throws {
        var c = ConnectionConfiguration()
        c.serverTokens = false
        let h = try Harness(configuration: c)
        try h.send("BAD\r\n\r\n")
        #expect(try h.output() == errorPage("400 Bad Request", software: "swhost"))
    }

    /// nginx 1.22's 404 page byte for byte, footer name swapped.
    @Test func defaultErrorPageMatchesNginx() {
        #expect(DefaultErrorPage.body(status: 404, software: "nginx/1.22.1")
            == "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")
    }

    @Test func headerTimeoutClosesWithoutAnswer() throws {
        let h = try Harness()
        try h.send("GET / HTTP/1.1\r\n")
        h.advance(.seconds(59))
        #expect(h.isOpen)
        h.advance(.seconds(2))
        #expect(!h.isOpen)
        #expect(try h.output() == "")
    }

    @Test func headerTimeoutRunsFromAccept() throws {
        let h = try Harness()
        h.advance(.seconds(30))
        try h.send("GET / HTTP/1.1\r\n")  // the first bytes do not restart the timer
        h.advance(.seconds(31))
        #expect(!h.isOpen)
    }
}
