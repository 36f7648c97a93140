// End-to-end, differential: raw request bytes (malformed, unusual, borderline) sent to swhost and
// to nginx 1.22 with the same config; the status, the connection's fate and the body must agree.
// Skipped when nginx is not installed.

import Foundation
import SWHostTesting
import Testing

private let protocolConfig = """
    server {
        listen 127.0.0.1:{PORT} default_server;
        server_name main.test;
        root www;
        location / { }
        location = /echo { return 200 "$request_method $uri $args $http_x_h|$host\\n"; }
    }
    """

private let protocolSwhost = SharedServer {
    try E2EServer(name: "diff3-swhost", http: protocolConfig, files: ["www/a.txt": "aaa\n"], nginx: false)
}
private let protocolNginx = SharedServer {
    try E2EServer(name: "diff3-nginx", http: protocolConfig, files: ["www/a.txt": "aaa\n"], nginx: true)
}

/// A raw request and a label for the report.
struct RawCase: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: String
    var testDescription: String { label }
}

private let rawCorpus: [RawCase] = [
    RawCase(label: "plain", bytes: "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "LF only", bytes: "GET /a.txt HTTP/1.1\nHost: x\n\n"),
    RawCase(label: "lower-case method", bytes: "get /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "unknown method", bytes: "FOO /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "HTTP/1.2", bytes: "GET /a.txt HTTP/1.2\r\nHost: x\r\n\r\n"),
    RawCase(label: "HTTP/2.0", bytes: "GET /a.txt HTTP/2.0\r\nHost: x\r\n\r\n"),
    RawCase(label: "HTTP/0.9 style", bytes: "GET /a.txt\r\n"),
    RawCase(label: "two Hosts", bytes: "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    RawCase(label: "Host with underscore", bytes: "GET /echo HTTP/1.1\r\nHost: a_b.test\r\n\r\n"),
    RawCase(label: "empty Host", bytes: "GET /echo HTTP/1.1\r\nHost: \r\n\r\n"),
    RawCase(label: "absolute URI", bytes: "GET http://abs.test:99/echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "Content-Length abc", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
    RawCase(label: "Content-Length -1", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
    RawCase(label: "two Content-Length", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nab"),
    RawCase(label: "bad chunk size", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    RawCase(label: "TE gzip, chunked", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
    RawCase(label: "header without colon", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"),
    RawCase(label: "space before colon", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nX-H : v\r\n\r\n"),
    RawCase(label: "obs-fold", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nX-H: a\r\n b\r\n\r\n"),
    RawCase(label: "underscore header", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nX_H: v\r\n\r\n"),
    RawCase(label: "header value trimmed", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nX-H:   v  \r\n\r\n"),
    RawCase(label: "bad percent", bytes: "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "bad percent in args", bytes: "GET /echo?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "encoded slash", bytes: "GET /echo%2F HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "asterisk", bytes: "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "CONNECT", bytes: "CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "two spaces", bytes: "GET  /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "trailing space", bytes: "GET /a.txt HTTP/1.1 \r\nHost: x\r\n\r\n"),
    RawCase(label: "leading CRLF", bytes: "\r\nGET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "Connection close", bytes: "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    RawCase(label: "Connection: Keep-Alive 1.0", bytes: "GET /a.txt HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
    RawCase(label: "HEAD 1.0", bytes: "HEAD /a.txt HTTP/1.0\r\n\r\n"),
    RawCase(label: "dot segments", bytes: "GET /x/./y/../../echo HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "backslash", bytes: "GET /x\\..\\echo HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "utf8 raw", bytes: "GET /\u{e9}cho HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "query with hash", bytes: "GET /echo?a=1#b HTTP/1.1\r\nHost: x\r\n\r\n"),
    RawCase(label: "expect continue, body withheld", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"),
    RawCase(label: "expect continue to a file", bytes: "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"),
    RawCase(label: "unknown expectation", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n"),
    RawCase(label: "GET with body", bytes: "GET /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"),
]

/// Status, Connection and body of the first response, and whether the server then closed.
private func exchange(_ server: E2EServer, _ bytes: String) throws -> [String] {
    let c = try server.client(timeout: .seconds(3))
    defer { c.close() }
    try c.send(bytes)
    guard let r = try? c.readResponse(isHEAD: bytes.hasPrefix("HEAD")) else {
        return ["no response", "closed \(c.isClosedByPeer(within: .seconds(1)))"]
    }
    let body = r.bodyString.replacingOccurrences(of: "<center>\(server.software)</center>", with: "<center>SERVER</center>")
    return ["status \(r.status)", "connection \(r.header("Connection") ?? "-")", "body \(body)",
            "closed \(c.isClosedByPeer(within: .milliseconds(150)))"]
}

/// Known differences of the transport (SWHostHTTPCore), kept visible rather than hidden:
/// - HTTP/0.9: nginx answers with a bare body; swhost refuses with 400 (deliberately).
/// - A bad chunk in a body nobody reads: nginx discards the body, hits the error and answers 400;
///   swhost answers and then closes the connection (the body cannot be drained).
/// - A header line without a colon: nginx ignores it (`ignore_invalid_headers`); swhost answers 400.
/// - `#fragment` in the target: nginx cuts it from `$args`; swhost keeps it.
/// - `Expect: 100-continue` when the answer does not need the body: nginx sends 100 Continue and
///   reads the body to discard it (keep-alive); swhost answers at once and closes, since the
///   client may or may not send the body afterwards (RFC 9110 §10.1.1 allows both).
private let knownDifferences: Set<String> = [
    "HTTP/0.9 style", "bad chunk size", "header without colon", "query with hash",
    "expect continue, body withheld", "expect continue to a file",
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct ProtocolDifferentialTests {
    @Test(arguments: rawCorpus)
    func swhostParsesAsNginxDoes(_ c: RawCase) throws {
        let expected = try exchange(try protocolNginx.get(), c.bytes)
        let actual = try exchange(try protocolSwhost.get(), c.bytes)
        if knownDifferences.contains(c.label) {
            withKnownIssue("transport differs from nginx here (see knownDifferences)") {
                #expect(actual == expected)
            }
        } else {
            #expect(actual == expected)
        }
    }
}
