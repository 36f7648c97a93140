// End-to-end: name-based virtual hosts (nginx "How nginx processes a request" and
// `server_name`: exact, leading wildcard, trailing wildcard, regex in order; default_server, else
// the first server of the address). Checked against nginx 1.22 (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

private let vhostServer = SharedServer {
    try E2EServer(
        name: "vhost",
        http: """
            server { listen 127.0.0.1:{PORT}; server_name first.test; return 200 "first\\n"; }
            server { listen 127.0.0.1:{PORT} default_server; server_name default.test; return 200 "default $host\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name exact.test www.exact.test; return 200 "exact $host\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name exact.wild.test; return 200 "exact-over-wildcard\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name *.wild.test; return 200 "leading-wild\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name mail.*; return 200 "trailing-wild\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name .dot.test; return 200 "dot-form\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name ~^num(\\d+)\\.test$; return 200 "num $1\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name ~^num7\\.test$; return 200 "second regex\\n"; }
            server {
                listen 127.0.0.1:{PORT};
                server_name ~^(?<user>[a-z]+)\\.users\\.test$;
                root sites/$user;
                location / { }
            }
            server { listen 127.0.0.1:{PORT2}; server_name a2.test; return 200 "a2\\n"; }
            server { listen 127.0.0.1:{PORT2}; server_name b2.test; return 200 "b2\\n"; }
            """,
        files: ["sites/alice/index.html": "alice home\n", "sites/bob/index.html": "bob home\n"])
}

@Suite(.serialized) struct StaticVirtualHostTests {
    var s: E2EServer { get throws { try vhostServer.get() } }

    @Test(arguments: [
        ("exact.test", "exact exact.test\n"),
        ("www.exact.test", "exact www.exact.test\n"),
        ("EXACT.Test", "exact exact.test\n"),
        ("exact.test.", "exact exact.test\n"),
        ("first.test", "first\n"),
        ("exact.wild.test", "exact-over-wildcard\n"),
        ("a.wild.test", "leading-wild\n"),
        ("a.b.wild.test", "leading-wild\n"),
        ("wild.test", "default wild.test\n"),
        ("mail.example.org", "trailing-wild\n"),
        ("mail.wild.test", "leading-wild\n"),
        ("dot.test", "dot-form\n"),
        ("x.dot.test", "dot-form\n"),
        ("num42.test", "num 42\n"),
        ("num7.test", "num 7\n"),
        ("unknown.example", "default unknown.example\n"),
    ])
    func selectsTheServerByName(host: String, body: String) throws {
        let s = try s
        let r = try s.get("/", host: host)
        #expect(r.status == 200)
        #expect(r.bodyString == body)
        let withPort = try s.get("/", host: "\(host):\(s.port)")
        #expect(withPort.bodyString == body)
    }

    @Test func ipv6LiteralHostGoesToTheDefaultServer() throws {
        let s = try s
        #expect(try s.get("/", host: "[::1]:\(s.port)").bodyString == "default [::1]\n")
        #expect(try s.get("/", host: "127.0.0.1").bodyString == "default 127.0.0.1\n")
    }

    @Test func regexCapturesAreUsedInRoot() throws {
        #expect(try s.get("/", host: "alice.users.test").bodyString == "alice home\n")
        #expect(try s.get("/", host: "bob.users.test").bodyString == "bob home\n")
        #expect(try s.get("/", host: "carol.users.test").status == 404)
    }

    @Test func http10WithoutHostGoesToTheDefaultServer() throws {
        let c = try s.client()
        try c.send("GET / HTTP/1.0\r\n\r\n")
        let r = try c.readResponse()
        #expect(r.bodyString == "default default.test\n")
    }

    @Test func absoluteRequestTargetWinsOverHost() throws {
        let c = try s.client()
        try c.send("GET http://exact.test/ HTTP/1.1\r\nHost: first.test\r\n\r\n")
        #expect(try c.readResponse().bodyString == "exact exact.test\n")
    }

    @Test func withoutDefaultServerTheFirstServerIsTheDefault() throws {
        let s = try s
        let r = try s.request("GET", "/", host: "nobody.test", port: s.port2)
        #expect(r.bodyString == "a2\n")
        #expect(try s.request("GET", "/", host: "b2.test", port: s.port2).bodyString == "b2\n")
    }

    @Test(arguments: ["bad host", "a/b", ".."])
    func invalidHostIs400(host: String) throws {
        let r = try s.get("/", host: host)
        #expect(r.status == 400)
    }
}

private let sharedPortServer = SharedServer {
    try E2EServer(
        name: "vhost-shared-port",
        http: """
            server { listen {PORT}; server_name any.test; return 200 "wildcard $server_addr\\n"; }
            server { listen 127.0.0.1:{PORT}; server_name specific.test; return 200 "specific $server_addr\\n"; }
            """)
}

/// `listen PORT` and `listen 127.0.0.1:PORT` together: nginx binds the wildcard once and picks
/// the address's servers by the connection's local address.
@Suite(.serialized) struct StaticSharedPortTests {
    @Test func specificAddressIsServedThroughTheWildcardSocket() throws {
        let s = try sharedPortServer.get()
        #expect(try s.get("/").bodyString == "specific 127.0.0.1\n")
        let other = try RawHTTPClient(host: "127.0.0.2", port: s.port)
        defer { other.close() }
        #expect(try other.request(path: "/").bodyString == "wildcard 127.0.0.2\n")
    }
}
