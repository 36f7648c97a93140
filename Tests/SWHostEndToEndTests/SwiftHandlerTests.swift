// The built-in Swift handlers through the real binary: hello (with the filters), health,
// status (nginx stub_status format), echo, and `-t` validation of handler parameters.

import Foundation
import SWHostTesting
import Testing

/// A prefix with a config built from `sites` and a running swhost on it.
final class SwiftHandlerServer {
    let port: Int
    let prefix: TestPrefix
    let server: RunningServer

    /// `main` goes before `http {}` (load_module); `http` inside it; `server` inside the one server.
    init(main: String = "", http: String = "", server serverBody: String) throws {
        port = try FreePort.allocate()
        prefix = try TestPrefix(name: "swhost-swift")
        _ = try prefix.write("etc/swhost.conf", Self.config(port: port, main: main, http: http, server: serverBody))
        do {
            server = try RunningServer(prefix: prefix, port: port)
        } catch {
            prefix.cleanup()
            throw error
        }
    }

    static func config(port: Int, main: String, http: String, server: String) -> String {
        """
        \(main)
        pid run/swhost.pid;
        error_log logs/error.log info;
        events { worker_connections 64; }
        http {
            access_log logs/access.log;
            \(http)
            server {
                listen 127.0.0.1:\(port);
                server_name localhost;
                \(server)
            }
        }

        """
    }

    func tearDown() {
        server.stop()
        prefix.cleanup()
    }

    func request(_ path: String, method: String = "GET", headers: [(String, String)] = [], body: [UInt8]? = nil,
                 timeout: Duration = .seconds(5)) throws -> RawHTTPResponse {
        try RawHTTPClient(port: port, readTimeout: timeout).request(method: method, path: path, headers: headers + [("Connection", "close")], body: body)
    }

    /// The messages of `logs/error.log` lines at `level`, without the `*CONNECTION ` prefix.
    func errorLog(level: String) -> [String] {
        prefix.read("logs/error.log").split(separator: "\n").compactMap { line in
            guard let range = line.range(of: " [\(level)] ") else { return nil }
            let rest = line[range.upperBound...]
            guard let colon = rest.range(of: ": ") else { return nil }
            var message = rest[colon.upperBound...]
            if message.hasPrefix("*"), let space = message.firstIndex(of: " ") { message = message[message.index(after: space)...] }
            return String(message)
        }
    }

    /// Peak resident set size of the server process, in KiB (`VmHWM`).
    var peakRSSKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(server.pid)/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        }
        return 0
    }
}

@Suite struct SwiftHandlerTests {
    @Test func helloGoesThroughAddHeaderExpiresAndGzip() throws {
        let s = try SwiftHandlerServer(http: "gzip on; gzip_vary on; gzip_min_length 1; gzip_types text/plain;", server: """
            location = /hello { swift_handler hello name=kit; add_header X-Added yes; expires 1h; }
            """)
        defer { s.tearDown() }
        let plain = try s.request("/hello")
        #expect(plain.status == 200)
        #expect(plain.bodyString == "Hello, kit!\n")
        #expect(plain.headers["Content-Type"] == "text/plain")
        #expect(plain.headers["X-Added"] == "yes")
        #expect(plain.headers["Cache-Control"] == "max-age=3600")
        #expect(plain.headers["Vary"] == "Accept-Encoding")
        let zipped = try s.request("/hello", headers: [("Accept-Encoding", "gzip")])
        #expect(zipped.status == 200)
        #expect(zipped.headers["Content-Encoding"] == "gzip")
        #expect(zipped.body.starts(with: [0x1f, 0x8b]))
        #expect(eventually { s.prefix.read("logs/access.log").contains("\"GET /hello HTTP/1.1\" 200 ") })
    }

    @Test func healthAnswersJSON() throws {
        let s = try SwiftHandlerServer(server: "location = /healthz { swift_handler health; }")
        defer { s.tearDown() }
        let r = try s.request("/healthz")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "application/json")
        #expect(r.headers["Cache-Control"] == "no-store")
        #expect(r.bodyString.hasPrefix("{\"status\":\"ok\",\"check\":\"readiness\",\"draining\":false,\"active_connections\":"))
    }

    /// nginx stub_status: `Active connections: N \nserver accepts handled requests\n A H R \nReading: r Writing: w Waiting: i \n`.
    @Test func statusSpeaksStubStatusAndCounts() throws {
        let s = try SwiftHandlerServer(server: "location = /status { swift_handler status; }")
        defer { s.tearDown() }
        let first = try s.request("/status")
        let second = try s.request("/status")
        #expect(first.status == 200)
        // nginx's four lines, then swhost's per-server lines.
        let pattern = #"Active connections: (\d+) \nserver accepts handled requests\n (\d+) (\d+) (\d+) \nReading: (\d+) Writing: (\d+) Waiting: (\d+) \n"#
            + #"(?:vhost \S+ requests \d+ 1xx \d+ 2xx \d+ 3xx \d+ 4xx \d+ 5xx \d+ bytes_out \d+\n)*"#
        #expect(matches(first.bodyString, pattern))
        #expect(matches(second.bodyString, pattern))
        func requests(_ text: String) -> Int? {
            Int(text.split(separator: "\n")[2].split(separator: " ")[2])
        }
        #expect(requests(second.bodyString)! == requests(first.bodyString)! + 1)
        // The status request itself is being written.
        #expect(second.bodyString.contains("Writing: 1 "))
        // The first status request is counted for its server once its response is complete.
        #expect(second.bodyString.hasSuffix("vhost localhost requests 1 1xx 0 2xx 1 3xx 0 4xx 0 5xx 0 bytes_out \(first.rawHead.utf8.count + 4 + first.body.count)\n"),
                "\(second.bodyString)")
    }

    @Test func echoReturnsTheRequestAndItsBody() throws {
        let s = try SwiftHandlerServer(server: "location /debug/ { swift_handler echo max_body=5; }")
        defer { s.tearDown() }
        let r = try s.request("/debug/x?y=1", method: "POST", headers: [("X-Test", "a\"b")], body: Array("hello world".utf8))
        #expect(r.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        #expect(json["method"] as? String == "POST")
        #expect(json["uri"] as? String == "/debug/x?y=1")
        #expect(json["path"] as? String == "/debug/x")
        #expect(json["query"] as? String == "y=1")
        #expect(json["location"] as? String == "/debug/")
        #expect(json["server_name"] as? String == "localhost")
        #expect(json["remote_address"] as? String == "127.0.0.1")
        #expect(json["body"] as? String == "hello")
        #expect(json["body_length"] as? Int == 11)
        #expect(json["body_truncated"] as? Bool == true)
        let headers = try #require(json["headers"] as? [[String]])
        #expect(headers.contains(["X-Test", "a\"b"]))
        #expect(json["parameters"] as? [[String]] == [["max_body", "5"]])
    }

    @Test func echoBodyOverClientMaxBodySizeIs413() throws {
        let s = try SwiftHandlerServer(server: "location / { client_max_body_size 10; swift_handler echo; }")
        defer { s.tearDown() }
        let r = try s.request("/", method: "POST", body: [UInt8](repeating: 65, count: 100))
        #expect(r.status == 413)
    }

    @Test(arguments: [
        ("swift_handler hello name=;", "empty \"name\" value in swift_handler \"hello\""),
        ("swift_handler health check=deep;", "invalid \"check\" value \"deep\" in swift_handler \"health\" (readiness or liveness)"),
        ("swift_handler nope;", "unknown swift handler \"nope\""),
        ("swift_handler status extra=1;", "unknown parameter \"extra\" in swift_handler \"status\""),
    ])
    func configTestRejectsWhatTheHandlerRejects(directive: String, message: String) throws {
        let prefix = try TestPrefix(name: "swhost-swift-t")
        defer { prefix.cleanup() }
        let config = SwiftHandlerServer.config(port: 1, main: "", http: "", server: "location / {\n\(directive)\n}")
        let file = try prefix.write("etc/swhost.conf", config)
        let line = config.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("swift_handler") }! + 1
        let result = try runSWHost(arguments: ["-t"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stderr.contains("[emerg] \(message) in \(file):\(line)\n"), "\(result.stderr)")
    }
}
