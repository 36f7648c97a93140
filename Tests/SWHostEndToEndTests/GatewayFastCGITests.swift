// The FastCGI client against real php-fpm (its own pool on a unix socket) and fcgiwrap running
// the same scripts as the native CGI bridge.

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct GatewayFastCGITests {
    private func withPHP(_ body: (GatewayFixture) throws -> Void) throws {
        let fixture = try GatewayFixture { try $0.startPHPFPM() }
        defer { fixture.tearDown() }
        try body(fixture)
    }

    @Test func phpSeesServerGetCookieAndPost() throws {
        try withPHP { f in
            let get = try f.get("/info.php?x=1&y=zz", headers: [("Cookie", "session=abc; theme=dark")])
            #expect(get.status == 200)
            #expect(get.headers["Content-Type"]?.hasPrefix("text/plain") == true)
            #expect(get.bodyString.contains("method=GET\n"))
            #expect(get.bodyString.contains("script=/info.php\n"))
            #expect(get.bodyString.contains("uri=/info.php?x=1&y=zz\n"))
            #expect(get.bodyString.contains(#"get={"x":"1","y":"zz"}"#))
            #expect(get.bodyString.contains(#"cookie={"session":"abc","theme":"dark"}"#))

            let post = try f.client().request(method: "POST", path: "/info.php",
                                              headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Connection", "close")],
                                              body: Array("a=1&b=hello+world".utf8))
            #expect(post.status == 200)
            #expect(post.bodyString.contains(#"post={"a":"1","b":"hello world"}"#))
        }
    }

    @Test func phpStatusAndLocationHeaders() throws {
        try withPHP { f in
            let notFound = try f.get("/notfound.php")
            #expect(notFound.status == 404)
            #expect(notFound.bodyString == "custom not found\n")
            let moved = try f.get("/location.php")
            #expect(moved.status == 302)
            #expect(moved.headers["Location"] == "http://127.0.0.1:\(f.port)/x")
        }
    }

    @Test func phpSleepingPastTheReadTimeoutIs504() throws {
        try withPHP { f in
            let start = ContinuousClock.now
            let r = try f.get("/slow.php")
            #expect(r.status == 504)
            #expect(ContinuousClock.now - start < .seconds(8))
        }
    }

    @Test func phpStderrReachesTheErrorLog() throws {
        try withPHP { f in
            let r = try f.get("/stderr.php")
            #expect(r.status == 200)
            #expect(eventually { f.errorLog.contains("FastCGI sent in stderr") && f.errorLog.contains("php says hello on stderr") })
        }
    }

    @Test func missingUpstreamIs502() throws {
        let f = try GatewayFixture()
        defer { f.tearDown() }
        #expect(try f.get("/info.php").status == 502)
        #expect(eventually { f.errorLog.contains("while connecting to upstream") })
    }

    /// The same script through fcgiwrap and through the native bridge answers the same.
    @Test(arguments: ["shell.sh?k=v", "nph-raw.sh", "away.sh"])
    func fcgiwrapMatchesNativeCGI(path: String) throws {
        let f = try GatewayFixture { try $0.startFcgiwrap() }
        defer { f.tearDown() }
        let native = try f.get("/cgi-bin/" + path)
        let wrapped = try f.get("/wrapped/" + path)
        if path.hasPrefix("nph-") {
            // fcgiwrap has no NPH mode: it hands the status line on as a malformed header.
            #expect(native.status == 203)
            #expect(wrapped.status == 502)
            return
        }
        #expect(wrapped.status == native.status)
        #expect(wrapped.bodyString == native.bodyString)
        // Framing differs by design: a small FastCGI response that arrives whole with its head
        // is sent with Content-Length, a CGI script's output is streamed (chunked).
        let ignored: Set<String> = ["date", "content-length", "transfer-encoding"]
        let a = native.headers.fields.filter { !ignored.contains($0.name.lowercased()) }
        let b = wrapped.headers.fields.filter { !ignored.contains($0.name.lowercased()) }
        #expect(a.map(\.name) == b.map(\.name))
        #expect(a.map(\.value) == b.map(\.value))
    }

    @Test func fcgiwrapRunsPythonWithTheSameQuery() throws {
        let f = try GatewayFixture { try $0.startFcgiwrap() }
        defer { f.tearDown() }
        let r = try f.client().request(method: "POST", path: "/wrapped/echo.py", headers: [("Connection", "close")], body: Array("abc".utf8))
        #expect(r.status == 200)
        #expect(r.bodyString == "abc")
        #expect(r.headers["X-Length"] == "3")
    }
}
