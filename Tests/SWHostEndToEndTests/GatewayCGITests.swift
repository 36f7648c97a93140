// The native CGI bridge through the real binary: Python and shell scripts, bodies, stderr,
// redirects, NPH, timeouts and malformed output.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct GatewayCGITests {
    private func withFixture(_ body: (GatewayFixture) throws -> Void) throws {
        let fixture = try GatewayFixture()
        defer { fixture.tearDown() }
        try body(fixture)
    }

    private func variables(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    /// RFC 3875 §4.1: the meta-variables, and nothing from swhost's environment but PATH.
    @Test func pythonScriptSeesTheMetaVariables() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/env.py/extra/info?a=1&b=two",
                              headers: [("X-Custom-Header", "yes"), ("Proxy", "http://evil:3128"), ("Cookie", "c=1")])
            #expect(r.status == 200)
            #expect(r.headers["Content-Type"] == "text/plain")
            #expect(r.headers["X-Script"] == "env.py")
            let env = variables(r.bodyString)
            #expect(env["GATEWAY_INTERFACE"] == "CGI/1.1")
            #expect(env["SERVER_PROTOCOL"] == "HTTP/1.1")
            #expect(env["SERVER_PORT"] == String(f.port))
            #expect(env["SERVER_NAME"] == "localhost")
            #expect(env["SERVER_SOFTWARE"]?.hasPrefix("swhost/") == true)
            #expect(env["REQUEST_METHOD"] == "GET")
            #expect(env["REQUEST_URI"] == "/cgi-bin/env.py/extra/info?a=1&b=two")
            #expect(env["QUERY_STRING"] == "a=1&b=two")
            #expect(env["SCRIPT_NAME"] == "/cgi-bin/env.py")
            #expect(env["SCRIPT_FILENAME"] == f.prefix.path("www/cgi-bin/env.py"))
            #expect(env["PATH_INFO"] == "/extra/info")
            #expect(env["PATH_TRANSLATED"] == f.prefix.path("www") + "/extra/info")
            #expect(env["DOCUMENT_ROOT"] == f.prefix.path("www"))
            #expect(env["REMOTE_ADDR"] == "127.0.0.1")
            #expect(env["REMOTE_PORT"].flatMap(Int.init) != nil)
            #expect(env["HTTP_X_CUSTOM_HEADER"] == "yes")
            #expect(env["HTTP_COOKIE"] == "c=1")
            #expect(env["HTTP_PROXY"] == nil, "httpoxy")
            #expect(env["PATH"] == "/usr/local/bin:/usr/bin:/bin")
            #expect(env["CONTENT_LENGTH"] == nil)
            // Nothing inherited: the test runner's HOME and the like are not there.
            #expect(env["HOME"] == nil)
            let allowed: Set<String> = ["GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_NAME", "SERVER_ADDR", "SERVER_PORT",
                                        "SERVER_PROTOCOL", "REQUEST_METHOD", "REQUEST_URI", "DOCUMENT_URI", "QUERY_STRING",
                                        "DOCUMENT_ROOT", "REMOTE_ADDR", "REMOTE_PORT", "REDIRECT_STATUS", "PATH", "SCRIPT_NAME",
                                        "SCRIPT_FILENAME", "PATH_INFO", "PATH_TRANSLATED", "LC_CTYPE"]
            let extra = Set(env.keys).filter { !$0.hasPrefix("HTTP_") }.subtracting(allowed)
            #expect(extra.isEmpty, "unexpected variables: \(extra)")
        }
    }

    @Test func postBodyReachesStdinWithContentLength() throws {
        try withFixture { f in
            let payload = Array("name=value&x=\(String(repeating: "y", count: 100_000))".utf8)
            let r = try f.client().request(method: "POST", path: "/cgi-bin/echo.py",
                                           headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Connection", "close")], body: payload)
            #expect(r.status == 200)
            #expect(r.headers["X-Length"] == String(payload.count))
            #expect(r.headers["X-Method"] == "POST")
            #expect(r.body == payload)
        }
    }

    @Test func chunkedRequestBodyIsDechunkedWithContentLength() throws {
        try withFixture { f in
            let c = try f.client()
            try c.send("POST /cgi-bin/echo.py HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            let r = try c.readResponse()
            #expect(r.status == 200)
            #expect(r.headers["X-Length"] == "11")
            #expect(r.bodyString == "hello world")
        }
    }

    @Test func shellScriptStatusAndHeaders() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/shell.sh?q=1")
            #expect(r.status == 202)
            #expect(r.headers["X-Shell"] == "yes")
            #expect(r.bodyString == "query=q=1\n")
        }
    }

    @Test func megabyteOfStderrGoesToTheErrorLogWithoutDeadlock() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/stderr.py")
            #expect(r.status == 200)
            #expect(r.bodyString == "stderr done\n")
            let found = eventually(timeout: .seconds(10)) {
                f.errorLog.components(separatedBy: "\n").filter { $0.contains("stderr.py\" stderr: eeee") }.count >= 1024
            }
            #expect(found)
        }
    }

    @Test func scriptThatNeverReadsA10MiBUploadStillAnswers() throws {
        try withFixture { f in
            let c = try f.client(timeout: .seconds(20))
            let r = try c.request(method: "POST", path: "/cgi-bin/noread.sh", headers: [("Connection", "close")],
                                  body: [UInt8](repeating: 65, count: 10 * 1024 * 1024 - 1))
            #expect(r.status == 200)
            #expect(r.bodyString == "not read\n")
        }
    }

    @Test func localRedirectIsFollowedInternally() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/redirect.sh")
            #expect(r.status == 202)
            #expect(r.bodyString == "query=from=redirect\n")
        }
    }

    @Test func urlLocationIsA302() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/away.sh")
            #expect(r.status == 302)
            #expect(r.headers["Location"] == "http://example.com/elsewhere")
        }
    }

    @Test func nphScriptStatusLineIsUsed() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/nph-raw.sh")
            #expect(r.status == 203)
            #expect(r.headers["X-NPH"] == "1")
            #expect(r.bodyString == "nph body\n")
        }
    }

    @Test func malformedHeadersAre502WithTheReasonLogged() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/broken.sh")
            #expect(r.status == 502)
            #expect(eventually { f.errorLog.contains("upstream sent invalid header") })
        }
    }

    @Test func scriptWithoutOutputIs502() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/silent.sh")
            #expect(r.status == 502)
            #expect(eventually { f.errorLog.contains("exited without sending a response header") })
        }
    }

    @Test func silentScriptTimesOutWith504AndIsKilled() throws {
        try withFixture { f in
            let start = ContinuousClock.now
            let r = try f.get("/cgi-bin/sleep.sh")
            #expect(r.status == 504)
            #expect(ContinuousClock.now - start < .seconds(8))
            // The process group is gone.
            #expect(eventually { (try? runProcess(executable: URL(fileURLWithPath: "/usr/bin/pgrep"), arguments: ["-f", f.prefix.path("www/cgi-bin/sleep.sh")]).status) == 1 })
        }
    }

    @Test func largeOutputWithoutLengthIsChunked() throws {
        try withFixture { f in
            let r = try f.get("/cgi-bin/big.sh")
            #expect(r.status == 200)
            #expect(r.framing == .chunked)
            #expect(r.body.count == 4 * 1024 * 1024)
        }
    }

    @Test func missingAndNonExecutableScripts() throws {
        try withFixture { f in
            #expect(try f.get("/cgi-bin/nope.sh").status == 404)
            try f.prefix.write("www/cgi-bin/data.txt", "not a script")
            #expect(try f.get("/cgi-bin/data.txt").status == 403)
        }
    }

    @Test func clientDisconnectKillsTheScript() throws {
        try withFixture { f in
            let c = try f.client()
            try c.send("GET /cgi-bin/forever.sh HTTP/1.1\r\nHost: x\r\n\r\n")
            let script = f.prefix.path("www/cgi-bin/forever.sh")
            let pgrep = URL(fileURLWithPath: "/usr/bin/pgrep")
            #expect(eventually { (try? runProcess(executable: pgrep, arguments: ["-f", script]).status) == 0 })
            c.close()
            #expect(eventually(timeout: .seconds(5)) { (try? runProcess(executable: pgrep, arguments: ["-f", script]).status) == 1 })
        }
    }
}
