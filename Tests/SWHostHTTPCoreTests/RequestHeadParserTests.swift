import NIOCore
import Testing

@testable import SWHostHTTPCore

/// Parses `text` in one go and validates the head; nil error means a head was produced.
func parseHead(_ text: String, limits: HeaderLimits = HeaderLimits()) -> Result<RequestHead, HTTPParseError>? {
    var parser = HTTPRequestHeadParser(limits: limits)
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { buf -> Result<RequestHead, HTTPParseError>? in
        switch parser.parse(buf) {
        case .needMore: return nil
        case .failure(let e): return .failure(e)
        case .complete: return parser.makeHead(buf)
        }
    }
}

func parseError(_ text: String, limits: HeaderLimits = HeaderLimits()) -> HTTPParseError? {
    guard case .failure(let e)? = parseHead(text, limits: limits) else { return nil }
    return e
}

@Suite struct RequestHeadParserTests {
    @Test func simpleGetIsParsed() throws {
        let head = try #require(try parseHead("GET /index.html?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\nUser-Agent:  curl/8 \r\n\r\n")?.get())
        #expect(head.method == .GET)
        #expect(head.target == "/index.html?x=1")
        #expect(head.version == .http1_1)
        #expect(head.host == "example.com")
        #expect(head.headers.first("user-agent") == "curl/8")
        #expect(head.headers[1].name == "User-Agent")
        #expect(head.keepAlive)
        #expect(head.framing == .none)
    }

    /// RFC 9112 §3: malformed request lines and header lines are 400; nginx answers 505 for a
    /// major version above 1 and 501 for an unknown transfer coding.
    @Test(arguments: [
        ("get / HTTP/1.1\r\nHost: a\r\n\r\n", HTTPParseError.badRequest),          // nginx: methods are A-Z _ -
        ("GET / HTTP/1.1 x\r\nHost: a\r\n\r\n", .badRequest),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", .badRequest),
        ("GET / HTTP/0.9\r\nHost: a\r\n\r\n", .badRequest),
        ("GET / HTTP/1\r\nHost: a\r\n\r\n", .badRequest),
        ("GET /\r\n\r\n", .badRequest),                                            // HTTP/0.9 line
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .versionNotSupported),
        ("GET / HTTP/3.1\r\nHost: a\r\n\r\n", .versionNotSupported),
        ("GET /a\u{01}b HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest),
        ("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest),
        ("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", .badRequest),                     // nginx 1.22 refuses *
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", .badRequest),           // obs-fold
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .badRequest),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : b\r\n\r\n", .badRequest),              // space before colon
        ("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", .badRequest),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", .badRequest),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", .badRequest),              // bare CR
        ("GET / HTTP/1.1\r\n\r\n", .badRequest),                                    // no Host
        ("GET / HTTP/1.1\r\nHost:\r\n\r\n", .badRequest),
        ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .badRequest),
        ("GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", .badRequest),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", .badRequest),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", .badRequest),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .badRequest),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", .badRequest),  // nginx: unique
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3x\r\n\r\n", .badRequest),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .badRequest),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", .badRequest),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", .notImplemented),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .notImplemented),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .badRequest),
    ])
    func malformedRequestsAreRefused(request: String, expected: HTTPParseError) {
        #expect(parseError(request) == expected)
    }

    @Test(arguments: [
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", false),
        ("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, Close\r\n\r\n", false),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", true),                                // nginx: 1.x > 1 is 1.1
    ])
    func keepAliveFollowsVersionAndConnection(request: String, keepAlive: Bool) throws {
        let head = try #require(try parseHead(request)?.get())
        #expect(head.keepAlive == keepAlive)
    }

    @Test func underscoreAndInvalidNamesAreSetAside() throws {
        let head = try #require(try parseHead("GET / HTTP/1.1\r\nHost: a\r\nX_Forwarded: 1\r\nX(y): 2\r\nX-Ok: 3\r\n\r\n")?.get())
        #expect(head.headers.first("x_forwarded") == nil)
        #expect(head.underscoreHeaders.first("X_Forwarded") == "1")
        #expect(head.headers.first("x(y)") == nil)
        #expect(head.headers.first("x-ok") == "3")
    }

    @Test func framingIsDecided() throws {
        #expect(try parseHead("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n")?.get().framing == .chunked)
        #expect(try parseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n")?.get().framing == .length(12))
        #expect(try parseHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n")?.get().framing == RequestFraming.none)
        #expect(try parseHead("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n")?.get().expectsContinue == true)
        #expect(try parseHead("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")?.get().expectsContinue == false)
    }

    @Test func absoluteFormTargetGivesHostAndPath() throws {
        let head = try #require(try parseHead("GET http://Example.org:81/p?q HTTP/1.1\r\nHost: other\r\n\r\n")?.get())
        #expect(head.host == "example.org")
        #expect(head.originTarget == "/p?q")
        let bare = try #require(try parseHead("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n")?.get())
        #expect(bare.originTarget == "/")
    }

    @Test func leadingEmptyLinesAndBareLFAreAccepted() throws {
        let head = try #require(try parseHead("\r\n\nGET / HTTP/1.1\nHost: a\n\n")?.get())
        #expect(head.host == "a")
    }

    @Test func incrementalFeedingGivesTheSameHead() throws {
        let text = Array("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX: y\r\n\r\n".utf8)
        var parser = HTTPRequestHeadParser()
        var outcome = HTTPRequestHeadParser.Outcome.needMore
        for n in 1...text.count {
            outcome = Array(text[0..<n]).withUnsafeBytes { parser.parse($0) }
            if n < text.count { #expect(outcome == .needMore) }
        }
        #expect(outcome == .complete(headLength: text.count))
        let head = try text.withUnsafeBytes { try parser.makeHead($0).get() }
        #expect(head.framing == .length(5))
        #expect(head.headers.first("x") == "y")
    }

    /// nginx 1.22 measured: a request line of 8192 bytes with CRLF passes, 8193 is 414; the same
    /// for a header line is 400 "Request Header Or Cookie Too Large" (large_client_header_buffers 4 8k).
    @Test(arguments: [(8192, false), (8193, true)])
    func requestLineLimitIs414(length: Int, fails: Bool) {
        let pad = length - "GET / HTTP/1.1\r\n".utf8.count
        let text = "GET /" + String(repeating: "a", count: pad) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parseError(text) == (fails ? .uriTooLong : nil))
    }

    @Test(arguments: [(8192, false), (8193, true)])
    func headerLineLimitIs400TooLarge(length: Int, fails: Bool) {
        let pad = length - "X: \r\n".utf8.count
        let text = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: pad) + "\r\n\r\n"
        #expect(parseError(text) == (fails ? .headerTooLarge : nil))
    }

    @Test(arguments: [(8, false), (9, true)])
    func wholeHeadLimitIsNumberTimesSize(headers: Int, fails: Bool) {
        var text = "GET / HTTP/1.1\r\nHost: a\r\n"
        for i in 0..<headers { text += "X\(i): " + String(repeating: "c", count: 3990) + "\r\n" }
        text += "\r\n"
        #expect(parseError(text) == (fails ? .headerTooLarge : nil))
    }

    @Test func incompleteHeadOverTheLimitFailsWithoutTheEnd() {
        var parser = HTTPRequestHeadParser(limits: HeaderLimits(headerBufferSize: 64, largeBufferSize: 128, largeBufferCount: 2))
        let text = Array(("GET /" + String(repeating: "a", count: 200)).utf8)
        #expect(text.withUnsafeBytes { parser.parse($0) } == .failure(.uriTooLong))
    }
}
