// End-to-end: per-vhost access logs (`access_log`, `log_format`, `combined`, `escape=json`,
// `buffer=`/`flush=`, `off`), read back from the files. Checked against nginx 1.22
// (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let logServer = SharedServer {
    try E2EServer(
        name: "log",
        http: """
            log_format jsonfmt escape=json '{"uri":"$uri","status":$status,"ua":"$http_user_agent","args":"$args","bytes":$body_bytes_sent}';
            server {
                listen 127.0.0.1:{PORT};
                server_name a.test;
                root www;
                access_log logs/a.access.log;
                location / { }
                location /off/ { access_log off; }
                location /cond/ { access_log logs/cond.log combined if=$arg_log; }
                location /pervar/ { access_log logs/per-$arg_site.log combined; }
                location = /close { return 444; }
            }
            server {
                listen 127.0.0.1:{PORT};
                server_name b.test;
                root www;
                access_log logs/b.json.log jsonfmt;
                location / { }
            }
            server {
                listen 127.0.0.1:{PORT};
                server_name c.test;
                root www;
                access_log logs/c.buffered.log combined buffer=64k flush=1s;
                location / { }
            }
            """,
        files: ["www/f.txt": "logged\n", "www/off/f.txt": "not logged\n", "www/cond/f.txt": "c\n", "www/pervar/f.txt": "p\n"])
}

/// Polls `read` until it returns lines matching `predicate`, for up to `timeout`.
func waitForLines(timeout: Duration = .seconds(3), _ read: () -> String, where predicate: (String) -> Bool) -> [String] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let lines = read().split(separator: "\n").map(String.init).filter(predicate)
        if !lines.isEmpty || ContinuousClock.now >= deadline { return lines }
        usleep(50_000)
    }
}

/// One `combined` line: `$remote_addr - $remote_user [$time_local] "$request" $status
/// $body_bytes_sent "$http_referer" "$http_user_agent"`.
struct CombinedLine {
    var address, user, time, request: String
    var status, bytes: Int
    var referer, agent: String

    init?(_ line: String) {
        let pattern = #"^(\S+) - (\S+) \[([^\]]+)\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)), m.numberOfRanges == 9
        else { return nil }
        func group(_ i: Int) -> String { String(line[Range(m.range(at: i), in: line)!]) }
        address = group(1); user = group(2); time = group(3); request = group(4)
        status = Int(group(5))!; bytes = Int(group(6))!
        referer = group(7); agent = group(8)
    }
}

@Suite(.serialized) struct LogAccessTests {
    var s: E2EServer { get throws { try logServer.get() } }

    @Test func combinedLineParsesBack() throws {
        let s = try s
        let agent = "e2e-agent/\(UUID().uuidString)"
        let r = try s.get("/f.txt?q=1", host: "a.test", [("User-Agent", agent), ("Referer", "http://ref.example/")])
        #expect(r.status == 200)
        let lines = waitForLines({ s.prefix.read("logs/a.access.log") }) { $0.contains(agent) }
        try #require(lines.count == 1)
        let line = try #require(CombinedLine(lines[0]))
        #expect(line.address == "127.0.0.1")
        #expect(line.user == "-")
        #expect(line.request == "GET /f.txt?q=1 HTTP/1.1")
        #expect(line.status == 200)
        #expect(line.bytes == 7)
        #expect(line.referer == "http://ref.example/")
        #expect(line.agent == agent)
        // 22/Nov/2026:02:30:00 +0000
        #expect(line.time.range(of: #"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}$"#, options: .regularExpression) != nil)
    }

    @Test func errorsAreLoggedWithTheirStatusAndMissingFieldsAsDash() throws {
        let s = try s
        let path = "/missing-\(UUID().uuidString)"
        #expect(try s.get(path, host: "a.test").status == 404)
        let lines = waitForLines({ s.prefix.read("logs/a.access.log") }) { $0.contains(path) }
        let line = try #require(lines.first.flatMap(CombinedLine.init))
        #expect(line.status == 404)
        #expect(line.referer == "-")
    }

    @Test func closedWithoutResponseIsLoggedAs444() throws {
        let s = try s
        let marker = "close-\(UUID().uuidString)"
        let c = try s.client()
        try c.send("GET /close?\(marker) HTTP/1.1\r\nHost: a.test\r\n\r\n")
        #expect(c.isClosedByPeer(within: .seconds(2)))
        let lines = waitForLines({ s.prefix.read("logs/a.access.log") }) { $0.contains(marker) }
        let line = try #require(lines.first.flatMap(CombinedLine.init))
        #expect(line.status == 444)
        #expect(line.bytes == 0)
    }

    @Test func headIsLoggedWithoutBodyBytes() throws {
        let s = try s
        let marker = "head-\(UUID().uuidString)"
        let c = try s.client()
        _ = try c.request(method: "HEAD", path: "/f.txt?\(marker)", headers: [("Host", "a.test")])
        let lines = waitForLines({ s.prefix.read("logs/a.access.log") }) { $0.contains(marker) }
        let line = try #require(lines.first.flatMap(CombinedLine.init))
        #expect(line.request == "HEAD /f.txt?\(marker) HTTP/1.1")
        #expect(line.status == 200)
        #expect(line.bytes == 0)
    }

    /// `if=`: a request is logged unless the condition is empty or "0".
    @Test func conditionalLogSkipsEmptyAndZero() throws {
        let s = try s
        let marker = UUID().uuidString
        for value in ["1", "0", "", "yes"] {
            _ = try s.get("/cond/f.txt?log=\(value)&m=\(marker)-\(value.isEmpty ? "empty" : value)", host: "a.test")
        }
        _ = try s.get("/cond/f.txt?m=\(marker)-none", host: "a.test")
        let lines = waitForLines({ s.prefix.read("logs/cond.log") }) { $0.contains(marker) && $0.contains("-yes") }
        #expect(lines.count == 1)
        let all = s.prefix.read("logs/cond.log")
        #expect(all.contains("\(marker)-1 "))
        #expect(all.contains("\(marker)-yes "))
        #expect(!all.contains("\(marker)-0 "))
        #expect(!all.contains("\(marker)-empty "))
        #expect(!all.contains("\(marker)-none "))
    }

    /// (Under nginx the worker runs as `nobody` and cannot create the file in a root-owned logs/.)
    @Test(.disabled(if: E2EServer.againstNginx, "nginx's unprivileged worker opens variable paths"))
    func logPathWithVariables() throws {
        let s = try s
        let site = "s\(UInt32.random(in: 1000...9999))"
        _ = try s.get("/pervar/f.txt?site=\(site)", host: "a.test")
        let lines = waitForLines({ s.prefix.read("logs/per-\(site).log") }) { $0.contains("/pervar/f.txt") }
        #expect(lines.count == 1)
    }

    @Test func accessLogOffWritesNothing() throws {
        let s = try s
        let marker = "off-\(UUID().uuidString)"
        #expect(try s.get("/off/f.txt?\(marker)", host: "a.test").status == 200)
        // A later logged request proves the log was written after the unlogged one.
        let after = "after-\(UUID().uuidString)"
        _ = try s.get("/f.txt?\(after)", host: "a.test")
        _ = waitForLines({ s.prefix.read("logs/a.access.log") }) { $0.contains(after) }
        #expect(!s.prefix.read("logs/a.access.log").contains(marker))
    }

    @Test func logsArePerVirtualHost() throws {
        let s = try s
        let marker = "vhost-\(UUID().uuidString)"
        _ = try s.get("/f.txt?\(marker)", host: "b.test")
        let json = waitForLines({ s.prefix.read("logs/b.json.log") }) { $0.contains(marker) }
        #expect(json.count == 1)
        #expect(!s.prefix.read("logs/a.access.log").contains(marker))
    }

    @Test func jsonEscapedFormatParsesAsJSON() throws {
        let s = try s
        let marker = UUID().uuidString
        let agent = "quote\" backslash\\ tab\t \u{01} é \(marker)"
        let r = try s.get("/f.txt?a=\"x\"", host: "b.test", [("User-Agent", agent)])
        #expect(r.status == 200)
        let lines = waitForLines({ s.prefix.read("logs/b.json.log") }) { $0.contains(marker) }
        try #require(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["uri"] as? String == "/f.txt")
        #expect(object["status"] as? Int == 200)
        #expect(object["bytes"] as? Int == 7)
        #expect(object["ua"] as? String == agent)
        #expect(object["args"] as? String == "a=\"x\"")
    }

    @Test func bufferedLogIsFlushedByTheTimer() throws {
        let s = try s
        let marker = "buffered-\(UUID().uuidString)"
        _ = try s.get("/f.txt?\(marker)", host: "c.test")
        // Held in the 64k buffer at first...
        #expect(!s.prefix.read("logs/c.buffered.log").contains(marker))
        // ...and written by the flush=1s timer.
        let lines = waitForLines(timeout: .seconds(5), { s.prefix.read("logs/c.buffered.log") }) { $0.contains(marker) }
        #expect(lines.count == 1)
        #expect(lines.first.flatMap(CombinedLine.init)?.status == 200)
    }
}
