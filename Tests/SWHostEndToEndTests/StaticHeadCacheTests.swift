// End-to-end: the per-file-version head cache (StaticHead) never serves one request's headers to
// another. The same file is reached through locations with different settings, conditional and
// range requests, clock-dependent `expires` and per-request `add_header` values, alternately on one
// keep-alive connection, so every request after the first could hit a cached head.

import Foundation
import SWHostTesting
import Testing

private let headCacheServer = SharedServer {
    try E2EServer(
        name: "headcache",
        http: """
            gzip on;
            gzip_types text/plain;
            gzip_min_length 1;
            gzip_vary on;
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location /a/ { alias www/shared/; add_header X-Loc a; expires 1h; }
                location /b/ { alias www/shared/; add_header X-Loc b; types { text/x-b txt; } charset utf-8; charset_types text/x-b; }
                location /v/ { alias www/shared/; add_header X-Uri $request_uri; }
                location /s/ { alias www/shared/; gzip off; }
            }
            """,
        files: ["www/shared/f.txt": "one file, many heads\n",
                "www/shared/z.txt": "gzip asked for first, then identity, then gzip again\n"])
}

@Suite(.serialized) struct StaticHeadCacheTests {
    var s: E2EServer { get throws { try headCacheServer.get() } }

    @Test func locationsSharingAFileKeepTheirOwnHeaders() throws {
        let c = try s.client()
        defer { c.close() }
        for _ in 0..<3 {
            let a = try c.request(method: "GET", path: "/a/f.txt")
            #expect(a.status == 200)
            #expect(a.header("X-Loc") == "a")
            #expect(a.header("Content-Type") == "text/plain")
            #expect(a.header("Cache-Control") == "max-age=3600")
            #expect(a.header("Vary") == "Accept-Encoding")
            let b = try c.request(method: "GET", path: "/b/f.txt")
            #expect(b.status == 200)
            #expect(b.header("X-Loc") == "b")
            #expect(b.header("Content-Type") == "text/x-b; charset=utf-8")
            #expect(b.header("Cache-Control") == nil)
            #expect(b.header("Vary") == nil)
            let plain = try c.request(method: "GET", path: "/s/f.txt")
            #expect(plain.header("X-Loc") == nil)
            #expect(plain.header("Vary") == nil)
            #expect(plain.header("Accept-Ranges") == "bytes")
            #expect(plain.bodyString == "one file, many heads\n")
        }
    }

    @Test func relativeExpiresFollowsTheClock() throws {
        let c = try s.client()
        defer { c.close() }
        let first = try c.request(method: "GET", path: "/a/f.txt")
        Thread.sleep(forTimeInterval: 1.2)
        let second = try c.request(method: "GET", path: "/a/f.txt")
        for r in [first, second] {
            let date = try #require(r.header("Date").flatMap(Self.parse))
            let expires = try #require(r.header("Expires").flatMap(Self.parse))
            #expect(expires == date + 3600)
        }
        #expect(first.header("Expires") != second.header("Expires"))
    }

    @Test func perRequestHeaderValuesAreNotCached() throws {
        let c = try s.client()
        defer { c.close() }
        for i in 0..<3 {
            let r = try c.request(method: "GET", path: "/v/f.txt?n=\(i)")
            #expect(r.header("X-Uri") == "/v/f.txt?n=\(i)")
        }
    }

    @Test func conditionalRangeGzipAndHeadAfterACachedHead() throws {
        let c = try s.client()
        defer { c.close() }
        let full = try c.request(method: "GET", path: "/a/f.txt")
        let etag = try #require(full.header("ETag"))
        let again = try c.request(method: "GET", path: "/a/f.txt")
        #expect(again.header("ETag") == etag)

        let notModified = try c.request(method: "GET", path: "/a/f.txt", headers: [("If-None-Match", etag)])
        #expect(notModified.status == 304)
        #expect(notModified.header("Content-Type") == nil)
        #expect(notModified.header("Accept-Ranges") == nil)
        #expect(notModified.header("Vary") == nil)
        #expect(notModified.header("X-Loc") == "a")

        let range = try c.request(method: "GET", path: "/s/f.txt", headers: [("Range", "bytes=0-2")])
        #expect(range.status == 206)
        #expect(range.header("Content-Range") == "bytes 0-2/21")
        #expect(range.bodyString == "one")

        let gzip = try c.request(method: "GET", path: "/a/f.txt", headers: [("Accept-Encoding", "gzip")])
        #expect(gzip.header("Content-Encoding") == "gzip")
        #expect(gzip.header("ETag") == "W/" + etag)
        #expect(gzip.header("Accept-Ranges") == nil)

        let head = try c.request(method: "HEAD", path: "/a/f.txt")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "21")
        #expect(head.header("X-Loc") == "a")
        #expect(head.body.isEmpty)

        let after = try c.request(method: "GET", path: "/a/f.txt")
        #expect(after.status == 200)
        #expect(after.header("Content-Encoding") == nil)
        #expect(after.header("ETag") == etag)
        #expect(after.bodyString == "one file, many heads\n")
    }

    /// The gzip variant's head and the identity head are cached side by side; whichever comes
    /// first, each keeps its own ETag (weak for gzip), Content-Encoding and Accept-Ranges.
    @Test func gzipAndIdentityHeadsOfOneFileStayApart() throws {
        let c = try s.client()
        defer { c.close() }
        let text = "gzip asked for first, then identity, then gzip again\n"
        var strongTag: String?
        for round in 0..<3 {
            let gz = try c.request(method: "GET", path: "/a/z.txt", headers: [("Accept-Encoding", "gzip")])
            #expect(gz.status == 200)
            #expect(gz.header("Content-Encoding") == "gzip")
            #expect(gz.header("Vary") == "Accept-Encoding")
            #expect(gz.header("Accept-Ranges") == nil)
            #expect(gz.header("X-Loc") == "a")
            #expect(gz.header("Content-Length") == String(gz.body.count))
            #expect(try String(decoding: gunzip(gz.body), as: UTF8.self) == text)
            let weak = try #require(gz.header("ETag"))
            #expect(weak.hasPrefix("W/\""))

            let plain = try c.request(method: "GET", path: "/a/z.txt")
            #expect(plain.status == 200)
            #expect(plain.header("Content-Encoding") == nil)
            #expect(plain.header("Accept-Ranges") == "bytes")
            #expect(plain.header("Vary") == "Accept-Encoding")
            #expect(plain.bodyString == text)
            let strong = try #require(plain.header("ETag"))
            #expect(weak == "W/" + strong, "round \(round)")
            if let strongTag { #expect(strong == strongTag) }
            strongTag = strong

            // The weak tag still matches for If-None-Match (weak comparison) on the gzip variant.
            let revalidated = try c.request(method: "GET", path: "/a/z.txt",
                                            headers: [("Accept-Encoding", "gzip"), ("If-None-Match", weak)])
            #expect(revalidated.status == 304)
            let ranged = try c.request(method: "GET", path: "/a/z.txt", headers: [("Range", "bytes=0-3")])
            #expect(ranged.status == 206)
            #expect(ranged.bodyString == "gzip")
        }
    }

    @Test func aChangedFileGetsAFreshHead() throws {
        let server = try s
        let c = try server.client()
        defer { c.close() }
        let before = try c.request(method: "GET", path: "/b/f.txt")
        try server.prefix.write("www/shared/g.txt", "first\n")
        let g1 = try c.request(method: "GET", path: "/b/g.txt")
        #expect(g1.header("Content-Length") == "6")
        // The open-file cache revalidates after 1 s; then the new size and mtime show.
        Thread.sleep(forTimeInterval: 1.2)
        try server.prefix.write("www/shared/g.txt", "second version\n")
        let future = Date(timeIntervalSinceNow: 5)
        try FileManager.default.setAttributes([.modificationDate: future], ofItemAtPath: server.prefix.path("www/shared/g.txt"))
        Thread.sleep(forTimeInterval: 1.2)
        let g2 = try c.request(method: "GET", path: "/b/g.txt")
        #expect(g2.header("Content-Length") == "15")
        #expect(g2.bodyString == "second version\n")
        #expect(g2.header("ETag") != g1.header("ETag"))
        #expect(g2.header("Last-Modified") != g1.header("Last-Modified"))
        #expect(before.status == 200)
    }

    static func parse(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970) }
    }
}
