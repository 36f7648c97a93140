import NIOCore
import Testing

@testable import SWHostHTTPCore

@Suite struct ResponseFormattingTests {
    /// RFC 9110 §5.6.7's example date, and the epoch.
    @Test(arguments: [(Int64(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT"), (0, "Thu, 01 Jan 1970 00:00:00 GMT"), (1_709_164_800, "Thu, 29 Feb 2024 00:00:00 GMT")])
    func imfFixdate(seconds: Int64, text: String) {
        #expect(HTTPDate.format(seconds) == text)
    }

    /// nginx writes the code and a space when it knows no phrase (`HTTP/1.1 299 `).
    @Test(arguments: [(200, "HTTP/1.1 200 OK\r\n"), (302, "HTTP/1.1 302 Moved Temporarily\r\n"), (405, "HTTP/1.1 405 Not Allowed\r\n"), (299, "HTTP/1.1 299 \r\n")])
    func statusLines(status: Int, line: String) {
        var b = ByteBuffer()
        ResponseHead(status: status).renderStatusAndFields(into: &b)
        #expect(String(buffer: b) == line)
    }

    @Test func customReasonIsUsed() {
        var b = ByteBuffer()
        ResponseHead(status: 200, reason: "Fine").renderStatusAndFields(into: &b)
        #expect(String(buffer: b) == "HTTP/1.1 200 Fine\r\n")
    }

    @Test func dateFieldIsWellFormed() {
        var b = ByteBuffer()
        HTTPDateCache.current.writeDateField(into: &b)
        let s = String(buffer: b)
        #expect(s.hasPrefix("Date: ") && s.hasSuffix(" GMT\r\n") && s.utf8.count == 6 + 29 + 2)
    }
}
