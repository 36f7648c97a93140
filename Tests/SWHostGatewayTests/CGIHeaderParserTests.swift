import NIOCore
import SWHostGateway
import Testing

@Suite struct CGIHeaderParserTests {
    private func parse(_ text: String, nph: Bool = false) throws -> (GatewayResponseHead, String)? {
        var parser = CGIHeaderParser(nph: nph)
        if case .head(let head, let rest) = try parser.feed(ByteBuffer(string: text)) {
            return (head, String(buffer: rest))
        }
        return nil
    }

    @Test func statusContentTypeAndOtherHeadersAreSeparated() throws {
        let (head, rest) = try #require(try parse("Status: 404 Not Found\r\nContent-Type: text/plain\r\nX-A: 1\r\n\r\nbody"))
        #expect(head.status == 404)
        #expect(head.contentType == "text/plain")
        #expect(head.headers.map(\.name) == ["X-A"])
        #expect(rest == "body")
    }

    @Test func bareLineFeedsEndTheHeaderBlock() throws {
        let (head, rest) = try #require(try parse("Content-Type: text/html\n\n<p>"))
        #expect(head.contentType == "text/html")
        #expect(head.effectiveStatus == 200)
        #expect(rest == "<p>")
    }

    /// RFC 3875 §6.2.2 / §6.2.3: a local path without Status is a local redirect, a URL a client redirect.
    @Test(arguments: [("Location: /other\n\n", true, 302), ("Location: http://example.com/\n\n", false, 302),
                      ("Status: 301\nLocation: /moved\n\n", false, 301)])
    func locationKinds(text: String, local: Bool, status: Int) throws {
        let (head, _) = try #require(try parse(text))
        #expect(head.isLocalRedirect == local)
        #expect(head.effectiveStatus == status)
    }

    @Test func headBytesMayArriveOneByOne() throws {
        var parser = CGIHeaderParser()
        let text = Array("Content-Type: a/b\r\nX: y\r\n\r\nrest".utf8)
        var result: GatewayResponseHead?
        var rest = ""
        for byte in text {
            if case .head(let head, let r) = try parser.feed(ByteBuffer(bytes: [byte])) {
                result = head
                rest = String(buffer: r)
            } else if result != nil {
                rest += String(decoding: [byte], as: UTF8.self)
            }
        }
        #expect(result?.contentType == "a/b")
        #expect(rest == "rest")
    }

    @Test(arguments: ["no colon here\n\n", "Status: abc\n\n", "Content-Length: 12x\n\n", "Bad Name: v\n\n", ": empty\n\n"])
    func malformedHeadersAreRejected(text: String) {
        #expect(throws: GatewayError.self) { try parse(text) }
    }

    @Test func hopByHopAndServerOwnedHeadersAreDropped() throws {
        let (head, _) = try #require(try parse("Connection: close\nTransfer-Encoding: chunked\nServer: x\nDate: y\nContent-Length: 5\nX-Keep: 1\n\n"))
        #expect(head.headers.map(\.name) == ["X-Keep"])
        #expect(head.contentLength == 5)
    }

    @Test func nphStatusLineGivesTheStatus() throws {
        let (head, rest) = try #require(try parse("HTTP/1.1 203 Partial\r\nContent-Type: text/plain\r\n\r\nx", nph: true))
        #expect(head.status == 203)
        #expect(rest == "x")
    }

    @Test func tooBigHeaderIsRejected() {
        var parser = CGIHeaderParser(limit: 100)
        #expect(throws: GatewayError.self) { try parser.feed(ByteBuffer(string: "X: " + String(repeating: "a", count: 200))) }
    }
}
