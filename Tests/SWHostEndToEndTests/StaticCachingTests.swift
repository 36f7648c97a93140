// End-to-end: validators and caching headers (RFC 9110 §8.8, §13; nginx's not_modified,
// headers and expires filters). Expectations checked against nginx 1.22 (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let cachingServer = SharedServer {
    try E2EServer(
        name: "caching",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location /e7d/ { expires 7d; }
                location /eepoch/ { expires epoch; }
                location /emax/ { expires max; }
                location /eoff/ { expires off; }
                location /eneg/ { expires -1; }
                location /hdr/ {
                    set $who "set-value";
                    add_header X-Plain plain;
                    add_header X-Always always-value always;
                    add_header X-Var "v=$who";
                }
                location /noetag/ { etag off; }
            }
            """,
        files: [
            "www/f.txt": "cache me\n",
            "www/e7d/f.txt": "7d\n",
            "www/eepoch/f.txt": "epoch\n",
            "www/emax/f.txt": "max\n",
            "www/eoff/f.txt": "off\n",
            "www/eneg/f.txt": "neg\n",
            "www/hdr/f.txt": "hdr\n",
            "www/noetag/f.txt": "noetag\n",
            "www/changing.txt": "version one\n",
        ],
        setup: { prefix in
            // A fixed, old mtime so If-Modified-Since dates are predictable.
            let date = Date(timeIntervalSince1970: 1_600_000_000)
            for file in ["www/f.txt", "www/changing.txt"] {
                try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: prefix.path(file))
            }
        })
}

@Suite(.serialized) struct StaticCachingTests {
    var s: E2EServer { get throws { try cachingServer.get() } }

    static let mtime: Int64 = 1_600_000_000
    static let lastModified = "Sun, 13 Sep 2020 12:26:40 GMT"

    @Test func etagIsNginxFormatAndLastModifiedIsTheMtime() throws {
        let r = try s.get("/f.txt")
        #expect(r.header("ETag") == "\"5f5e1000-9\"")
        #expect(r.header("Last-Modified") == Self.lastModified)
        #expect(E2EServer.httpDate(Self.mtime) == Self.lastModified)
    }

    @Test(arguments: [
        ("\"5f5e1000-9\"", 304),
        ("\"other\", \"5f5e1000-9\"", 304),
        ("W/\"5f5e1000-9\"", 304),
        ("*", 304),
        ("\"other\"", 200),
        ("\"5f5e1000-a\"", 200),
    ])
    func ifNoneMatch(value: String, status: Int) throws {
        let r = try s.get("/f.txt", [("If-None-Match", value)])
        #expect(r.status == status)
        if status == 304 {
            #expect(r.body.isEmpty)
            #expect(r.header("ETag") == "\"5f5e1000-9\"")
            #expect(r.header("Last-Modified") == Self.lastModified)
            #expect(r.header("Content-Length") == nil)
            #expect(r.header("Content-Type") == nil)
            #expect(r.header("Accept-Ranges") == nil)
        } else {
            #expect(r.bodyString == "cache me\n")
        }
    }

    /// nginx's default `if_modified_since exact`: only the exact date is "not modified".
    @Test(arguments: [
        ("Sun, 13 Sep 2020 12:26:40 GMT", 304),
        ("Sun, 13 Sep 2020 12:26:41 GMT", 200),
        ("Sun, 13 Sep 2020 12:26:39 GMT", 200),
        ("garbage", 200),
    ])
    func ifModifiedSinceIsExactOnly(value: String, status: Int) throws {
        let r = try s.get("/f.txt", [("If-Modified-Since", value)])
        #expect(r.status == status)
    }

    @Test func bothConditionsMustHoldForNotModified() throws {
        let both = try s.get("/f.txt", [("If-None-Match", "\"5f5e1000-9\""), ("If-Modified-Since", Self.lastModified)])
        #expect(both.status == 304)
        let staleDate = try s.get("/f.txt", [("If-None-Match", "\"5f5e1000-9\""), ("If-Modified-Since", "Sun, 13 Sep 2020 12:26:39 GMT")])
        #expect(staleDate.status == 200)
        let otherTag = try s.get("/f.txt", [("If-None-Match", "\"nope\""), ("If-Modified-Since", Self.lastModified)])
        #expect(otherTag.status == 200)
    }

    @Test(arguments: [
        ("If-Match", "\"nope\"", 412),
        ("If-Match", "\"5f5e1000-9\"", 200),
        ("If-Match", "*", 200),
        ("If-Match", "W/\"5f5e1000-9\"", 412),
        ("If-Unmodified-Since", "Sun, 13 Sep 2020 12:26:39 GMT", 412),
        ("If-Unmodified-Since", "Sun, 13 Sep 2020 12:26:40 GMT", 200),
        ("If-Unmodified-Since", "Mon, 14 Sep 2020 12:26:40 GMT", 200),
    ])
    func preconditions(name: String, value: String, status: Int) throws {
        let r = try s.get("/f.txt", [(name, value)])
        #expect(r.status == status)
        if status == 412 {
            #expect(r.bodyString.contains("<title>412 Precondition Failed</title>"))
            #expect(r.header("ETag") == nil)
        }
    }

    @Test func headGetsNotModifiedToo() throws {
        let c = try s.client()
        let r = try c.request(method: "HEAD", path: "/f.txt", headers: [("If-None-Match", "\"5f5e1000-9\"")])
        #expect(r.status == 304)
    }

    @Test func etagOffSendsNoETag() throws {
        let r = try s.get("/noetag/f.txt")
        #expect(r.status == 200)
        #expect(r.header("ETag") == nil)
        #expect(r.header("Last-Modified") != nil)
    }

    @Test func expiresSevenDays() throws {
        let before = Int64(Date().timeIntervalSince1970)
        let r = try s.get("/e7d/f.txt")
        let after = Int64(Date().timeIntervalSince1970)
        #expect(r.header("Cache-Control") == "max-age=604800")
        let expires = try #require(r.header("Expires"))
        let allowed = (before...after + 1).map { E2EServer.httpDate($0 + 604_800) }
        #expect(allowed.contains(expires), "Expires \(expires)")
    }

    @Test func expiresEpochMaxOffAndNegative() throws {
        let epoch = try s.get("/eepoch/f.txt")
        #expect(epoch.header("Expires") == "Thu, 01 Jan 1970 00:00:01 GMT")
        #expect(epoch.header("Cache-Control") == "no-cache")
        let max = try s.get("/emax/f.txt")
        #expect(max.header("Expires") == "Thu, 31 Dec 2037 23:55:55 GMT")
        #expect(max.header("Cache-Control") == "max-age=315360000")
        let off = try s.get("/eoff/f.txt")
        #expect(off.header("Expires") == nil)
        #expect(off.header("Cache-Control") == nil)
        let before = Int64(Date().timeIntervalSince1970)
        let neg = try s.get("/eneg/f.txt")
        let after = Int64(Date().timeIntervalSince1970)
        #expect(neg.header("Cache-Control") == "no-cache")
        let allowed = (before - 1...after).map { E2EServer.httpDate($0 - 1) } + [E2EServer.httpDate(after)]
        #expect(allowed.contains(neg.header("Expires") ?? ""), "Expires \(neg.header("Expires") ?? "-")")
    }

    @Test func expiresAppliesToNotModifiedButNotToErrors() throws {
        let missing = try s.get("/e7d/missing")
        #expect(missing.status == 404)
        #expect(missing.header("Expires") == nil)
        #expect(missing.header("Cache-Control") == nil)
    }

    @Test func addHeaderOnSuccessAndAlwaysOnErrors() throws {
        let ok = try s.get("/hdr/f.txt")
        #expect(ok.header("X-Plain") == "plain")
        #expect(ok.header("X-Always") == "always-value")
        #expect(ok.header("X-Var") == "v=set-value")
        let missing = try s.get("/hdr/missing")
        #expect(missing.status == 404)
        #expect(missing.header("X-Plain") == nil)
        #expect(missing.header("X-Always") == "always-value")
        let notModified = try s.get("/hdr/f.txt", [("If-None-Match", ok.header("ETag") ?? "")])
        #expect(notModified.status == 304)
        #expect(notModified.header("X-Plain") == "plain")
    }

    /// The open-file cache revalidates every second (nginx's `open_file_cache_valid` default 60 s
    /// is for the cache when configured; swhost's is always on and 1 s).
    @Test func changedFileGetsANewETagWithinASecond() throws {
        let s = try s
        let first = try s.get("/changing.txt")
        #expect(first.bodyString == "version one\n")
        try s.prefix.write("www/changing.txt", "version two, longer\n")
        var latest = first
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline {
            latest = try s.get("/changing.txt")
            if latest.bodyString == "version two, longer\n" { break }
            usleep(100_000)
        }
        #expect(latest.bodyString == "version two, longer\n")
        #expect(latest.header("ETag") != first.header("ETag"))
        #expect(latest.header("ETag") == (try s.etag(of: "www/changing.txt")))
        #expect(latest.header("Content-Length") == "20")
    }
}
