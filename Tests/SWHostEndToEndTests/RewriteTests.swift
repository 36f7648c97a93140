// End-to-end: location matching (`=`, `^~`, prefix, regex order, nesting, named, internal) and
// the rewrite module (return, rewrite flags, if, set, redirection cycles). Checked against
// nginx 1.22 (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

private let rewriteServer = SharedServer {
    try E2EServer(
        name: "rewrite",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                rewrite ^/old/(.*)$ /rwbreak/$1;

                location = /exact { return 200 "exact\\n"; }
                location = / { return 200 "exact root\\n"; }
                location / { return 200 "root prefix\\n"; }
                location ^~ /static/ { return 200 "prefix no regex\\n"; }
                location /doc { return 200 "prefix doc\\n"; }
                location /doc/long/ { return 200 "longer prefix\\n"; }
                location ~ \\.php$ { return 200 "regex php\\n"; }
                location ~ ^/doc/.*\\.php$ { return 200 "second regex\\n"; }
                location ~* \\.(png|JPG)$ { return 200 "regex image\\n"; }
                location ~ ^/cap/(?<name>[a-z]+)/(\\d+)$ { return 200 "cap $name $2\\n"; }
                location /outer/ {
                    location /outer/inner/ { return 200 "nested inner\\n"; }
                    location ~ \\.txt$ { return 200 "nested regex\\n"; }
                    return 200 "outer\\n";
                }
                location /int/ { internal; return 200 "internal $uri\\n"; }
                location = /go-internal { try_files /nonexistent /int/target; }
                location = /go-named { try_files /nonexistent @named; }
                location @named { return 200 "named $uri\\n"; }

                location = /ret301 { return 301 /target; }
                location = /ret302full { return 302 http://example.com/x; }
                location = /retbare { return http://example.com/bare; }
                location = /rettext { return 200 "text a=$arg_a\\n"; }
                location = /ret444 { return 444; }
                location = /ret404 { return 404; }
                location = /ret404text { return 404 "gone\\n"; }
                location /rw/ { rewrite ^/rw/(\\w+)/(\\d+)$ /show?name=$1&id=$2 last; }
                location = /show { return 200 "show $arg_name $arg_id args=$args\\n"; }
                location /rwbreak/ { rewrite ^/rwbreak/(.*)$ /files/$1 break; }
                location /rwredir/ { rewrite ^/rwredir/(.*)$ /new/$1 redirect; }
                location /rwperm/ { rewrite ^/rwperm/(.*)$ /new/$1? permanent; }
                location /rwabs/ { rewrite ^ http://example.com/abs; }
                location /if {
                    if ($arg_x = 1) { return 200 "x is one\\n"; }
                    if ($http_x_token) { return 200 "token $http_x_token\\n"; }
                    if ($uri ~ ^/if/(\\d+)$) { return 200 "number $1\\n"; }
                    return 200 "x is not one\\n";
                }
                location = /set { set $v "hello-$arg_n"; add_header X-V $v; return 200 "set $v\\n"; }
                location = /loop { rewrite ^ /loop2 last; }
                location = /loop2 { rewrite ^ /loop last; }
                location = /tfloop { try_files /nonexistent /tfloop; }
            }
            """,
        files: ["www/files/f.txt": "file via break\n"])
}

@Suite(.serialized) struct RewriteTests {
    var s: E2EServer { get throws { try rewriteServer.get() } }

    @Test(arguments: [
        ("/exact", "exact\n"),
        ("/exact/", "root prefix\n"),
        ("/", "exact root\n"),
        ("/static/x.php", "prefix no regex\n"),
        ("/doc", "prefix doc\n"),
        ("/document", "prefix doc\n"),
        ("/doc/x.php", "regex php\n"),
        ("/doc/long/x.php", "regex php\n"),
        ("/doc/long/x", "longer prefix\n"),
        ("/a/b.PNG", "regex image\n"),
        ("/a/b.jpg", "regex image\n"),
        ("/a/b.PHP", "root prefix\n"),
        ("/cap/abc/42", "cap abc 42\n"),
        ("/outer/x", "outer\n"),
        ("/outer/inner/x", "nested inner\n"),
        ("/outer/x.txt", "nested regex\n"),
        ("/outer/x.php", "regex php\n"),
    ])
    func locationSelection(path: String, body: String) throws {
        let r = try s.get(path)
        #expect(r.status == 200)
        #expect(r.bodyString == body)
    }

    @Test func internalLocationIs404FromOutside() throws {
        #expect(try s.get("/int/target").status == 404)
        let r = try s.get("/go-internal")
        #expect(r.status == 200)
        #expect(r.bodyString == "internal /int/target\n")
    }

    @Test func namedLocationViaTryFiles() throws {
        #expect(try s.get("/go-named").bodyString == "named /go-named\n")
    }

    @Test func return301MakesAnAbsoluteLocationWithPort() throws {
        let s = try s
        let r = try s.get("/ret301")
        #expect(r.status == 301)
        #expect(r.header("Location") == "http://127.0.0.1:\(s.port)/target")
        #expect(r.header("Content-Type") == "text/html")
        #expect(r.bodyString.contains("<title>301 Moved Permanently</title>"))
        let named = try s.get("/ret301", host: "Site.Example:\(s.port)")
        #expect(named.header("Location") == "http://site.example:\(s.port)/target")
    }

    @Test func returnFullURLAndBareURL() throws {
        let r = try s.get("/ret302full")
        #expect(r.status == 302)
        #expect(r.header("Location") == "http://example.com/x")
        #expect(r.reason == "Moved Temporarily")
        #expect(r.bodyString.contains("<title>302 Found</title>"))
        let bare = try s.get("/retbare")
        #expect(bare.status == 302)
        #expect(bare.header("Location") == "http://example.com/bare")
    }

    @Test func returnTextUsesDefaultType() throws {
        let r = try s.get("/rettext?a=7")
        #expect(r.status == 200)
        #expect(r.bodyString == "text a=7\n")
        #expect(r.header("Content-Type") == "application/octet-stream")
        #expect(r.header("Content-Length") == "9")
    }

    @Test func returnCodeWithAndWithoutText() throws {
        let plain = try s.get("/ret404")
        #expect(plain.status == 404)
        #expect(plain.bodyString.contains("<title>404 Not Found</title>"))
        let text = try s.get("/ret404text")
        #expect(text.status == 404)
        #expect(text.bodyString == "gone\n")
    }

    @Test func return444ClosesWithoutAnyByte() throws {
        let c = try s.client()
        try c.send("GET /ret444 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(c.isClosedByPeer(within: .seconds(2)))
        #expect(c.bufferedBytes.isEmpty)
        #expect(throws: (any Error).self) { try c.readResponse() }
    }

    @Test func rewriteLastWithCapturesAndArgs() throws {
        let r = try s.get("/rw/alice/42?x=1")
        #expect(r.status == 200)
        #expect(r.bodyString == "show alice 42 args=name=alice&id=42&x=1\n")
    }

    @Test func rewriteBreakServesTheNewURIInPlace() throws {
        let r = try s.get("/rwbreak/f.txt")
        #expect(r.status == 200)
        #expect(r.bodyString == "file via break\n")
    }

    @Test func serverLevelRewriteRunsBeforeLocationSearch() throws {
        #expect(try s.get("/old/f.txt").bodyString == "file via break\n")
    }

    @Test func rewriteRedirectKeepsArgs() throws {
        let s = try s
        let r = try s.get("/rwredir/page?a=1&b=2")
        #expect(r.status == 302)
        #expect(r.header("Location") == "http://127.0.0.1:\(s.port)/new/page?a=1&b=2")
    }

    @Test func rewritePermanentWithQuestionMarkDropsArgs() throws {
        let s = try s
        let r = try s.get("/rwperm/page?a=1")
        #expect(r.status == 301)
        #expect(r.header("Location") == "http://127.0.0.1:\(s.port)/new/page")
    }

    @Test func rewriteToAnAbsoluteURLRedirects() throws {
        let r = try s.get("/rwabs/x")
        #expect(r.status == 302)
        #expect(r.header("Location") == "http://example.com/abs")
    }

    @Test(arguments: [
        ("/if?x=1", [] as [String], "x is one\n"),
        ("/if?x=2", [], "x is not one\n"),
        ("/if?x=10", [], "x is not one\n"),
        ("/if", ["abc"], "token abc\n"),
        ("/if/77", [], "number 77\n"),
    ])
    func ifConditions(path: String, token: [String], body: String) throws {
        let r = try s.get(path, token.map { ("X-Token", $0) })
        #expect(r.bodyString == body)
    }

    @Test func setVariableUsedInAddHeader() throws {
        let r = try s.get("/set?n=7")
        #expect(r.bodyString == "set hello-7\n")
        #expect(r.header("X-V") == "hello-7")
    }

    @Test func rewriteCycleIs500() throws {
        let r = try s.get("/loop")
        #expect(r.status == 500)
        #expect(r.bodyString.contains("<title>500 Internal Server Error</title>"))
        #expect(try s.errorLog.contains("rewrite or internal redirection cycle"))
    }

    @Test func tryFilesRedirectCycleIs500() throws {
        #expect(try s.get("/tfloop").status == 500)
    }
}
