// End-to-end: `auth_basic` with an htpasswd file (apr1, SHA-512 and SHA-256 crypt made by
// `openssl passwd`), `allow`/`deny` with CIDR, `limit_except`. Checked against nginx 1.22
// (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

/// `openssl passwd -<scheme> <password>`.
private func opensslPasswd(_ scheme: String, _ password: String) throws -> String {
    let out = try runProcess(executable: URL(fileURLWithPath: "/usr/bin/openssl"), arguments: ["passwd", "-\(scheme)", password])
    guard out.status == 0 else { throw E2EError("openssl passwd: \(out.stderr)") }
    return out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

private let accessServer = SharedServer {
    try E2EServer(
        name: "access",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location /basic/ {
                    auth_basic "Restricted Area";
                    auth_basic_user_file htpasswd;
                    location /basic/open/ { auth_basic off; }
                }
                location /live/ { auth_basic "live"; auth_basic_user_file htpasswd-live; }
                location /deny/ { deny 127.0.0.1; allow all; }
                location /allowcidr/ { allow 127.0.0.0/8; deny all; }
                location /denycidr/ { allow 10.0.0.0/8; allow ::1; deny all; }
                location /limit/ { limit_except GET { deny all; } }
                location /limitallow/ { limit_except GET { allow 127.0.0.1; deny all; } }
            }
            """,
        files: [
            "www/basic/f.txt": "protected\n", "www/basic/open/f.txt": "open\n",
            "www/deny/f.txt": "d\n", "www/live/f.txt": "live\n", "www/allowcidr/f.txt": "allowed\n", "www/denycidr/f.txt": "d\n",
            "www/limit/f.txt": "limited\n", "www/limitallow/f.txt": "limited allow\n",
        ],
        setup: { prefix in
            let lines = [
                "# comment line",
                "apr:" + (try opensslPasswd("apr1", "apr-secret")),
                "sha512:" + (try opensslPasswd("6", "sha512-secret")),
                "sha256:" + (try opensslPasswd("5", "sha256-secret")),
                // Fixed hashes (python3 crypt/hashlib): bcrypt cost 12, {SHA}, {SSHA}, {PLAIN}.
                "bcrypt:$2b$12$E3QzwfB3AH85gKkXeSp2nOyC9xy6fzXuFjZbSfg/LCrTgBOeJXtWC",
                "sha1:{SHA}F/WZ9PxtuIpP2yyadrWdU4eK0og=",
                "ssha:{SSHA}ZAuJ/B20S/wIHXlgbIFZ6L5yPQJzYWx0MTIzNA==",
                "plain:{PLAIN}plain-secret",
                "",
            ]
            try prefix.write("etc/htpasswd", lines.joined(separator: "\n"))
            try prefix.write("etc/htpasswd-live", "first:{PLAIN}one\n")
        })
}

private func basic(_ user: String, _ password: String) -> (String, String) {
    ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
}

@Suite(.serialized) struct AccessControlTests {
    var s: E2EServer { get throws { try accessServer.get() } }

    @Test func withoutCredentialsIs401WithChallenge() throws {
        let r = try s.get("/basic/f.txt")
        #expect(r.status == 401)
        #expect(r.header("WWW-Authenticate") == "Basic realm=\"Restricted Area\"")
        #expect(r.bodyString.contains("<title>401 Authorization Required</title>"))
    }

    @Test(arguments: [("apr", "apr-secret"), ("sha512", "sha512-secret"), ("sha256", "sha256-secret"),
                      ("bcrypt", "bc-secret"), ("sha1", "sha1-secret"), ("ssha", "ssha-secret"), ("plain", "plain-secret")])
    func rightPasswordIsServed(user: String, password: String) throws {
        let r = try s.get("/basic/f.txt", [basic(user, password)])
        #expect(r.status == 200)
        #expect(r.bodyString == "protected\n")
    }

    @Test(arguments: [("apr", "wrong"), ("sha512", "apr-secret"), ("nobody", "x"), ("apr", ""), ("", ""),
                      ("bcrypt", "bc-secreT"), ("sha1", "x"), ("ssha", "ssha-secre"), ("plain", "plain-secret ")])
    func wrongCredentialsAre401(user: String, password: String) throws {
        let r = try s.get("/basic/f.txt", [basic(user, password)])
        #expect(r.status == 401)
        #expect(r.header("WWW-Authenticate") != nil)
    }

    @Test(arguments: ["Basic !!!notbase64", "Bearer abc", "Basic", "Basic " + Data("nocolon".utf8).base64EncodedString()])
    func malformedAuthorizationIs401(value: String) throws {
        let r = try s.get("/basic/f.txt", [("Authorization", value)])
        #expect(r.status == 401)
    }

    /// The file is read again when it changes (nginx reads it on every request).
    @Test func editedPasswordFileTakesEffectAtOnce() throws {
        let s = try s
        #expect(try s.get("/live/f.txt", [basic("first", "one")]).status == 200)
        #expect(try s.get("/live/f.txt", [basic("second", "two")]).status == 401)
        try s.prefix.write("etc/htpasswd-live", "second:{PLAIN}two\n")
        #expect(try s.get("/live/f.txt", [basic("second", "two")]).status == 200)
        #expect(try s.get("/live/f.txt", [basic("first", "one")]).status == 401)
    }

    /// Password checks run on the thread pool; pipelined answers still come in request order.
    @Test func pipelinedAuthenticatedRequestsStayInOrder() throws {
        let c = try s.client(timeout: .seconds(10))
        let good = basic("bcrypt", "bc-secret").1
        var batch = ""
        for i in 0..<6 {
            let path = i % 2 == 0 ? "/basic/f.txt" : "/allowcidr/f.txt"
            batch += "GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: \(good)\r\n\r\n"
        }
        try c.send(batch)
        for i in 0..<6 {
            #expect(try c.readResponse().bodyString == (i % 2 == 0 ? "protected\n" : "allowed\n"))
        }
    }

    @Test func authBasicOffInANestedLocation() throws {
        #expect(try s.get("/basic/open/f.txt").bodyString == "open\n")
    }

    @Test func remoteUserIsSetAfterAuthentication() throws {
        let r = try s.get("/basic/f.txt", [basic("sha256", "sha256-secret")])
        #expect(r.status == 200)
    }

    @Test func denyByAddress() throws {
        let r = try s.get("/deny/f.txt")
        #expect(r.status == 403)
        #expect(r.bodyString.contains("<title>403 Forbidden</title>"))
        #expect(try s.errorLog.contains("access forbidden by rule"))
    }

    @Test func allowByCIDR() throws {
        #expect(try s.get("/allowcidr/f.txt").bodyString == "allowed\n")
    }

    @Test func denyAllWhenNoCIDRMatches() throws {
        #expect(try s.get("/denycidr/f.txt").status == 403)
    }

    @Test(arguments: [("GET", 200), ("HEAD", 200), ("POST", 403), ("PUT", 403), ("DELETE", 403)])
    func limitExceptGet(method: String, status: Int) throws {
        let c = try s.client()
        let r = try c.request(method: method, path: "/limit/f.txt", body: method == "POST" || method == "PUT" ? [] : nil)
        #expect(r.status == status)
    }

    @Test func limitExceptWithAllowLetsTheAddressThrough() throws {
        // Allowed by address, POST then reaches the static module, which refuses it.
        let r = try s.request("POST", "/limitallow/f.txt", body: [])
        #expect(r.status == 405)
    }
}
