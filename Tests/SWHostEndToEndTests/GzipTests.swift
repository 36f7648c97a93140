// End-to-end: nginx's gzip and gzip_static modules. Expectations checked against nginx 1.22
// (SWHOST_E2E_NGINX=1), except the stale `.gz` rule, which is swhost's own.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let page = textBytes(10_000)

private let gzipServer = SharedServer {
    try E2EServer(
        name: "gzip",
        http: """
            gzip on;
            gzip_types text/plain application/json;
            gzip_min_length 100;
            gzip_vary on;
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location /static/ { gzip_static on; }
                location /level9/ { gzip_comp_level 9; }
                location /v10/ { alias www/; gzip_http_version 1.0; }
                location = /text { default_type text/plain; return 200 "$request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri $request_uri"; }
            }
            """,
        files: [
            "www/t.txt": page,
            "www/t.html": "<html>" + page + "</html>",
            "www/t.json": "{\"k\": \"" + String(repeating: "v", count: 500) + "\"}",
            "www/t.css": String(repeating: "body { color: red; }\n", count: 50),
            "www/small.txt": "short text\n",
            "www/level9/t.txt": page,
            "www/static/s.txt": "original static\n",
            "www/static/stale.txt": "updated original\n",
        ],
        setup: { prefix in
            let gz = try gzipFile(Array("precompressed static\n".utf8))
            try prefix.write("www/static/s.txt.gz", Data(gz))
            try prefix.write("www/static/stale.txt.gz", Data(try gzipFile(Array("stale precompressed\n".utf8))))
            let old = Date(timeIntervalSince1970: 1_600_000_000)
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: prefix.path("www/static/stale.txt.gz"))
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: prefix.path("www/static/s.txt"))
            // 24 MiB of text, streamed through gzip (larger than the variant cache takes).
            let line = Array("0123456789 the quick brown fox jumps over the lazy dog ABCDEFGHIJKLMNOPQRSTUVWXYZ\n".utf8)
            var big = [UInt8]()
            big.reserveCapacity(24 << 20)
            var n = 0
            while big.count < 24 << 20 {
                big += Array(String(n).utf8) + line
                n += 1
            }
            try prefix.write("www/big.txt", Data(big))
        })
}

/// gzip-encodes with the system's `gzip -c -n`.
func gzipFile(_ bytes: [UInt8]) throws -> [UInt8] {
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("gz-\(UUID().uuidString)")
    try Data(bytes).write(to: tmp)
    defer { try? FileManager.default.removeItem(at: tmp) }
    _ = try runProcess(executable: URL(fileURLWithPath: "/bin/gzip"), arguments: ["-n", "-k", tmp.path])
    let out = try Data(contentsOf: URL(fileURLWithPath: tmp.path + ".gz"))
    try? FileManager.default.removeItem(atPath: tmp.path + ".gz")
    return Array(out)
}

@Suite(.serialized) struct GzipTests {
    var s: E2EServer { get throws { try gzipServer.get() } }
    static let gzipOK = [("Accept-Encoding", "gzip, deflate")]

    @Test(arguments: ["/t.txt", "/t.html", "/t.json", "/level9/t.txt"])
    func roundTrip(path: String) throws {
        let s = try s
        let plain = try s.get(path)
        let r = try s.get(path, Self.gzipOK)
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(r.header("Vary") == "Accept-Encoding")
        #expect(r.header("Accept-Ranges") == nil)
        #expect(r.header("Content-Type") == plain.header("Content-Type"))
        #expect(r.body.count < plain.body.count)
        #expect(try gunzip(r.body) == plain.body)
        // A weakened validator: the strong one describes the uncompressed bytes.
        #expect(r.header("ETag") == "W/" + (plain.header("ETag") ?? ""))
    }

    @Test func typesOutsideGzipTypesAreNotCompressed() throws {
        let r = try s.get("/t.css", Self.gzipOK)
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == nil)
        #expect(r.header("Vary") == nil)
        #expect(r.header("Accept-Ranges") == "bytes")
    }

    @Test func bodiesUnderMinLengthAreNotCompressedAndHaveNoVary() throws {
        let r = try s.get("/small.txt", Self.gzipOK)
        #expect(r.header("Content-Encoding") == nil)
        #expect(r.bodyString == "short text\n")
        #expect(r.header("Vary") == nil)
    }

    @Test(arguments: ["gzip;q=0", "deflate", "identity", "*", "br", "gzip;q=0.000", "*;q=1"])
    func notAcceptedCodingsGetIdentityWithVary(acceptEncoding: String) throws {
        let r = try s.get("/t.txt", [("Accept-Encoding", acceptEncoding)])
        #expect(r.header("Content-Encoding") == nil)
        #expect(r.body == Array(page.utf8))
        #expect(r.header("Vary") == "Accept-Encoding")
    }

    @Test(arguments: ["gzip", "GZIP", "deflate, gzip;q=0.5", "gzip;q=1.0", "br;q=1, gzip;q=0.1"])
    func acceptedCodings(acceptEncoding: String) throws {
        let r = try s.get("/t.txt", [("Accept-Encoding", acceptEncoding)])
        #expect(r.header("Content-Encoding") == "gzip")
    }

    @Test func withoutAcceptEncodingStillVaries() throws {
        let r = try s.get("/t.txt")
        #expect(r.header("Content-Encoding") == nil)
        #expect(r.header("Vary") == "Accept-Encoding")
        #expect(r.header("Accept-Ranges") == "bytes")
    }

    /// `gzip_http_version 1.1` (the default): HTTP/1.0 requests are not compressed.
    @Test func http10IsNotCompressed() throws {
        let r = try s.request("GET", "/t.txt", version: "HTTP/1.0", headers: Self.gzipOK)
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == nil)
        #expect(r.body == Array(page.utf8))
    }

    @Test func headIsCompressedHeadWithoutBody() throws {
        let c = try s.client()
        let r = try c.request(method: "HEAD", path: "/t.txt", headers: Self.gzipOK)
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(r.body.isEmpty)
        #expect(r.header("Content-Length") == nil)
        // The connection stays usable.
        let g = try c.request(path: "/small.txt")
        #expect(g.bodyString == "short text\n")
    }

    @Test func rangeOnACompressedResponseIsIgnored() throws {
        let r = try s.get("/t.txt", Self.gzipOK + [("Range", "bytes=0-9")])
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(try gunzip(r.body) == Array(page.utf8))
    }

    @Test func returnTextIsCompressed() throws {
        let plain = try s.get("/text")
        let r = try s.get("/text", Self.gzipOK)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(try gunzip(r.body) == plain.body)
    }

    @Test func largeFileStreamsGzipRoundTrip() throws {
        let s = try s
        let c = try s.client(timeout: .seconds(60))
        let r = try c.request(path: "/big.txt", headers: Self.gzipOK)
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(r.framing == .chunked)
        let original = try Data(contentsOf: URL(fileURLWithPath: s.prefix.path("www/big.txt")))
        #expect(original.count >= 20 << 20)
        let decoded = try gunzip(r.body)
        #expect(decoded.count == original.count)
        #expect(decoded == Array(original))
        // Keep-alive survives a streamed body.
        let next = try c.request(path: "/small.txt")
        #expect(next.bodyString == "short text\n")
    }

    /// The not-modified filter runs before gzip, against the strong tag: the weak one the
    /// compressed response carried matches (weak comparison).
    @Test func weakETagOfTheGzippedResponseRevalidates() throws {
        let first = try s.get("/t.txt", Self.gzipOK)
        let weak = try #require(first.header("ETag"))
        #expect(weak.hasPrefix("W/"))
        let again = try s.get("/t.txt", Self.gzipOK + [("If-None-Match", weak)])
        #expect(again.status == 304)
        // The 304 is not gzipped, so its tag stays strong (as nginx sends it).
        #expect(again.header("ETag") == String(weak.dropFirst(2)))
        #expect(again.header("Content-Encoding") == nil)
    }

    @Test func largeFileWithoutGzipIsSentWhole() throws {
        let s = try s
        let c = try s.client(timeout: .seconds(60))
        let r = try c.request(path: "/big.txt")
        #expect(r.header("Content-Encoding") == nil)
        let original = try Data(contentsOf: URL(fileURLWithPath: s.prefix.path("www/big.txt")))
        #expect(r.header("Content-Length") == String(original.count))
        #expect(r.body == Array(original))
    }

    /// curl as an independent client: `--compressed` decodes to the original bytes.
    @Test func curlDecodesTheCompressedBody() throws {
        let s = try s
        let out = try curl(["--compressed", "-D", "-", "http://127.0.0.1:\(s.port)/t.txt"])
        #expect(out.status == 0)
        let parts = out.stdout.components(separatedBy: "\r\n\r\n")
        try #require(parts.count >= 2)
        #expect(parts[0].lowercased().contains("content-encoding: gzip"))
        #expect(parts.dropFirst().joined(separator: "\r\n\r\n") == page)
    }

    /// `gzip_http_version 1.0`: an HTTP/1.0 client gets the streamed gzip body delimited by the
    /// connection's close (no chunked encoding in 1.0).
    @Test func http10StreamedGzipIsCloseDelimited() throws {
        let s = try s
        let c = try s.client(timeout: .seconds(60))
        let r = try c.request(path: "/v10/big.txt", version: "HTTP/1.0", headers: Self.gzipOK)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(r.framing == .close)
        #expect(r.header("Connection") == "close")
        let original = try Data(contentsOf: URL(fileURLWithPath: s.prefix.path("www/big.txt")))
        #expect(try gunzip(r.body) == Array(original))
    }

    @Test func gzipStaticServesTheFreshGz() throws {
        let s = try s
        let r = try s.get("/static/s.txt", Self.gzipOK)
        #expect(r.status == 200)
        #expect(r.header("Content-Encoding") == "gzip")
        #expect(r.header("Content-Type") == "text/plain")
        #expect(try gunzip(r.body) == Array("precompressed static\n".utf8))
        #expect(r.header("ETag") == (try s.etag(of: "www/static/s.txt.gz")))
        let plain = try s.get("/static/s.txt")
        #expect(plain.bodyString == "original static\n")
        #expect(plain.header("Content-Encoding") == nil)
    }

    @Test(.disabled(if: E2EServer.againstNginx, "nginx serves a stale .gz"))
    func gzipStaticIgnoresAStaleGz() throws {
        let r = try s.get("/static/stale.txt", Self.gzipOK)
        #expect(r.status == 200)
        // Compressed on the fly from the updated original instead.
        let body = r.header("Content-Encoding") == "gzip" ? try gunzip(r.body) : r.body
        #expect(body == Array("updated original\n".utf8))
    }
}
