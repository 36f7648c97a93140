// End-to-end: nginx core directives whose effect is not a response nginx can be diffed against
// (log lines, connection lifetime, the stub_status page) and fastcgi_hide_header with php-fpm.

import Foundation
import SWHostTesting
import Testing

private let compatServer = SharedServer {
    try E2EServer(
        name: "compat",
        http: """
            log_format ids '$request_id $request_id $uri';
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                keepalive_time 1s;
                access_log logs/ids.log ids;
                location /quiet/ { log_not_found off; }
                location = /basic_status { stub_status; }
                location = /old_status { stub_status on; }
                location = /tok { return 200 "[$http_x_my_token]"; }
            }
            server {
                listen 127.0.0.1:{PORT};
                server_name under.test;
                underscores_in_headers on;
                location = /tok { return 200 "[$http_x_my_token]"; }
            }
            """,
        files: ["www/index.html": "index\n"])
}

@Suite(.serialized) struct CompatDirectiveTests {
    var s: E2EServer { get throws { try compatServer.get() } }

    @Test func logNotFoundOffKeepsMissingFilesOutOfTheErrorLog() throws {
        let server = try s
        #expect(try server.get("/quiet/missing-quiet.txt").status == 404)
        #expect(try server.get("/loud/missing-loud.txt").status == 404)
        #expect(eventually { server.errorLog.contains("/loud/missing-loud.txt\" failed (2: No such file or directory)") })
        #expect(!server.errorLog.contains("missing-quiet.txt"))
    }

    /// nginx's four lines, nothing else: parsers written for nginx (monitoring agents) read them.
    @Test(arguments: ["/basic_status", "/old_status"])
    func stubStatusIsNginxsPage(path: String) throws {
        let r = try s.get(path)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "text/plain")
        let lines = r.bodyString.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 5, "\(r.bodyString)")
        #expect(lines[0].hasPrefix("Active connections: ") && lines[0].hasSuffix(" "))
        #expect(lines[1] == "server accepts handled requests")
        let counts = lines[2].split(separator: " ").compactMap { Int($0) }
        #expect(counts.count == 3 && counts[0] >= 1 && counts[2] >= 1)
        #expect(lines[3].hasPrefix("Reading: ") && lines[3].contains(" Writing: ") && lines[3].contains(" Waiting: "))
        #expect(lines[4].isEmpty)
    }

    @Test func keepaliveTimeClosesAnOldConnectionAfterItsNextResponse() throws {
        let c = try s.client()
        defer { c.close() }
        let first = try c.request(method: "GET", path: "/index.html")
        #expect(first.header("Connection") == "keep-alive")
        Thread.sleep(forTimeInterval: 1.3)
        let second = try c.request(method: "GET", path: "/index.html")
        #expect(second.status == 200)
        #expect(second.header("Connection") == "close")
    }

    @Test func fastcgiHideHeaderDropsTheApplicationsFields() throws {
        let fixture = try GatewayFixture(extraServer: """
            location ^~ /hidden/ {
                fastcgi_pass unix:run/php.sock;
                include /etc/nginx/fastcgi_params;
                fastcgi_param SCRIPT_FILENAME $document_root/headers.php;
                fastcgi_hide_header X-Powered-By;
                fastcgi_hide_header x-secret;
            }
            """) { try $0.startPHPFPM() }
        defer { fixture.tearDown() }
        let plain = try fixture.get("/headers.php")
        #expect(plain.status == 200)
        #expect(plain.headers["X-Secret"] == "hidden")
        #expect(plain.headers["X-Powered-By"]?.hasPrefix("PHP/") == true)
        let hidden = try fixture.get("/hidden/headers.php")
        #expect(hidden.status == 200)
        #expect(hidden.bodyString == "headers\n")
        #expect(hidden.headers["X-Custom"] == "kept")
        #expect(hidden.headers["X-Secret"] == nil)
        #expect(hidden.headers["X-Powered-By"] == nil)
    }

    /// nginx's default passes an application's own 404 page through even where `error_page 404`
    /// is set; `fastcgi_intercept_errors on` replaces it with the error page.
    @Test func fastcgiErrorsPassThroughUnlessIntercepted() throws {
        let fixture = try GatewayFixture(extraServer: """
            error_page 404 /err404.html;
            location ^~ /pass/ {
                fastcgi_pass unix:run/php.sock;
                include /etc/nginx/fastcgi_params;
                fastcgi_param SCRIPT_FILENAME $document_root/notfound.php;
            }
            location ^~ /icept/ {
                fastcgi_pass unix:run/php.sock;
                include /etc/nginx/fastcgi_params;
                fastcgi_param SCRIPT_FILENAME $document_root/notfound.php;
                fastcgi_intercept_errors on;
            }
            """) { try $0.startPHPFPM() }
        defer { fixture.tearDown() }
        try fixture.prefix.write("www/err404.html", "the site's error page\n")
        let passed = try fixture.get("/pass/x")
        #expect(passed.status == 404)
        #expect(passed.bodyString == "custom not found\n")
        let intercepted = try fixture.get("/icept/x")
        #expect(intercepted.status == 404)
        #expect(intercepted.bodyString == "the site's error page\n")
        // swhost's own 404 (no such file) still gets the error page.
        #expect(try fixture.get("/no-such-file.txt").bodyString == "the site's error page\n")
    }

    @Test func underscoresInHeadersOnMakesSuchFieldsVisible() throws {
        let server = try s
        let token = ("X_My_Token", "abc")
        #expect(try server.get("/tok", [token]).bodyString == "[]")
        #expect(try server.get("/tok", host: "under.test", [token]).bodyString == "[abc]")
        // The dash spelling is the same variable either way.
        #expect(try server.get("/tok", host: "under.test", [("X-My-Token", "dash")]).bodyString == "[dash]")

        let fixture = try GatewayFixture(extraServer: "underscores_in_headers on;") { try $0.startPHPFPM() }
        defer { fixture.tearDown() }
        let env = try fixture.get("/cgi-bin/env.py", headers: [token])
        #expect(env.status == 200)
        #expect(env.bodyString.contains("HTTP_X_MY_TOKEN=abc\n"))
        #expect(try fixture.get("/token.php", headers: [token]).bodyString == "abc")
        #expect(try fixture.get("/token.php").bodyString == "none")
    }

    /// `worker_connections`: a worker holds at most that many client connections; the next is
    /// closed at once with nginx's alert, and a freed slot is usable again.
    @Test func workerConnectionsCapsOpenConnections() throws {
        let port = try FreePort.allocate()
        let prefix = try TestPrefix(name: "swhost-workerconns")
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", """
            worker_processes 1;
            pid run/swhost.pid;
            error_log logs/error.log notice;
            events { worker_connections 3; }
            http {
                access_log off;
                server { listen 127.0.0.1:\(port); location / { return 200 "ok"; } }
            }
            """)
        let server = try startPool(prefix: prefix, port: port, workers: 1)
        defer { server.stop() }
        var held: [RawHTTPClient] = []
        defer { for c in held { c.close() } }
        for _ in 0..<3 {
            let c = try RawHTTPClient(port: port)
            #expect(try c.request(path: "/").bodyString == "ok")
            held.append(c)
        }
        let extra = try RawHTTPClient(port: port)
        defer { extra.close() }
        #expect(extra.isClosedByPeer(within: .seconds(2)))
        #expect(eventually { prefix.read("logs/error.log").contains("[alert]") && prefix.read("logs/error.log").contains("3 worker_connections are not enough") })
        held.removeLast().close()
        #expect(eventually { fetchBody(port: port) == "ok" })
    }

    /// `$request_id`: 32 hex digits, the same wherever a request uses it, new for each request.
    @Test func requestIDIsRandomHexFixedPerRequest() throws {
        let server = try s
        _ = try server.get("/index.html?id=1")
        _ = try server.get("/index.html?id=2")
        var lines: [[Substring]] = []
        #expect(eventually {
            lines = server.prefix.read("logs/ids.log").split(separator: "\n").map { $0.split(separator: " ") }
            return lines.count >= 2
        })
        try #require(lines.count >= 2)
        let hex = Set("0123456789abcdef")
        for fields in lines.suffix(2) {
            try #require(fields.count == 3)
            #expect(fields[0].count == 32 && fields[0].allSatisfy(hex.contains))
            #expect(fields[0] == fields[1])
        }
        #expect(lines[lines.count - 1][0] != lines[lines.count - 2][0])
    }

    /// `upstream` blocks for `fastcgi_pass NAME`: a server that cannot be connected to is logged
    /// and the next one answers; when none can, 502.
    @Test func upstreamMovesToTheNextServerWhenOneCannotBeReached() throws {
        let fixture = try GatewayFixture(extraServer: """
            location ^~ /up/ {
                fastcgi_pass phpup;
                include /etc/nginx/fastcgi_params;
                fastcgi_param SCRIPT_FILENAME $document_root/token.php;
            }
            location ^~ /dead/ {
                fastcgi_pass deadup;
                include /etc/nginx/fastcgi_params;
                fastcgi_param SCRIPT_FILENAME $document_root/token.php;
            }
            """, extraHTTP: """
            upstream phpup { server unix:run/missing.sock; server unix:run/php.sock weight=2; keepalive 8; }
            upstream deadup { server unix:run/missing.sock; server unix:run/gone.sock backup; }
            """) { try $0.startPHPFPM() }
        defer { fixture.tearDown() }
        for _ in 0..<6 {
            let r = try fixture.get("/up/x")
            #expect(r.status == 200)
            #expect(r.bodyString == "none")
        }
        #expect(eventually { fixture.errorLog.contains("connect() to unix:\(fixture.prefix.path("run/missing.sock")) failed (2: No such file or directory)") })
        #expect(try fixture.get("/dead/x").status == 502)
        #expect(eventually { fixture.errorLog.contains("run/gone.sock") })
    }
}
