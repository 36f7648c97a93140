import Foundation
import Testing
@testable import SWHostConfig

/// Load-time checks beyond syntax, with nginx 1.22's messages (verified with `nginx -t`).
@Suite struct ValidationTests {
    static let server = "events {} http { server { listen 8080; %@ } }"

    func error(inServer body: String) -> String? {
        compileErrorLine(String(format: Self.server, body))
    }

    @Test(arguments: [
        ("root /a; root /b;", #""root" directive is duplicate"#),
        ("location / { alias /a/; root /b; }", #""root" directive is duplicate, "alias" directive was specified earlier"#),
        ("alias /x;", #""alias" directive is not allowed here"#),
        ("location / { limit_except GET { root /x; } }", #""root" directive is not allowed here"#),
        ("if ($host) { gzip on; }", #""gzip" directive is not allowed here"#),
        ("location / { if ($host) { if ($uri) { } } }", #""if" directive is not allowed here"#),
        ("location / { add_header X; }", #"invalid number of arguments in "add_header" directive"#),
        ("location / { expires modified; }", #""expires" directive invalid value"#),
        ("location / { disable_symlinks maybe; }", #"invalid parameter "maybe""#),
        ("error_page 404 =abc /x;", #"invalid value "=abc""#),
        ("listen 8080 foo;", #"invalid parameter "foo""#),
        ("listen 8081 backlog=x;", #"invalid backlog "backlog=x""#),
        ("server_name ~^(a;", #"pcre2_compile() failed: missing closing parenthesis in "^(a""#),
        ("if ($a ~ \"(\") { }", #"pcre2_compile() failed: missing closing parenthesis in "(""#),
        ("location / { fastcgi_split_path_info ^(.+)$; }", #"pattern "^(.+)$" must have 2 captures"#),
        ("location / { try_files; }", #"invalid number of arguments in "try_files" directive"#),
        ("location / { swift_handler x novalue; }", #"invalid parameter "novalue""#),
        ("location / { cgi maybe; }", #"invalid value "maybe" in "cgi" directive, it must be "on" or "off""#),
        ("location / { cgi_interpreter py /usr/bin/python3; }", #"invalid extension "py" in "cgi_interpreter" directive"#),
        ("location / { fastcgi_pass 127.0.0.1:9000; swift_handler x; }", #""swift_handler" directive is duplicate"#),
    ])
    func rejects(body: String, message: String) throws {
        let line = try #require(error(inServer: body))
        #expect(line == "[emerg] \(message) in /t.conf:1")
    }

    @Test func unknownVariableHasNoLocationLikeNginx() {
        #expect(error(inServer: "return 200 $nope;") == #"[emerg] unknown "nope" variable"#)
    }

    @Test func setAndNamedCapturesDefineVariablesAnywhere() {
        #expect(error(inServer: "return 200 $later; set $later 1;") == nil)
        #expect(error(inServer: "return 200 $user; location ~ ^/(?<user>\\w+) { }") == nil)
        #expect(error(inServer: "return 200 $http_x_custom$arg_q$cookie_c$sent_http_x$1;") == nil)
    }

    @Test func lowAddressBitsWarn() throws {
        let compiled = try compileConfig(String(format: Self.server, "allow 1.2.3.5/24;"))
        #expect(compiled.warnings.map(\.description) == ["[warn] low address bits of 1.2.3.5/24 are meaningless in /t.conf:1"])
    }

    @Test func filesystemChecksNeverCreateFiles() throws {
        let fm = FileManager.default
        let prefix = fm.temporaryDirectory.appendingPathComponent("swhost-val-\(UUID().uuidString)").path + "/"
        try fm.createDirectory(atPath: prefix + "logs", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: prefix + "ro", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: prefix) }
        try "u:x\n".write(toFile: prefix + "htpasswd", atomically: false, encoding: .utf8)
        let ok = "events {} http { access_log logs/a.log; server { listen 8080; location / { auth_basic x; auth_basic_user_file \(prefix)htpasswd; } } }"
        #expect(compileErrorLine(ok, prefix: prefix, checkFilesystem: true) == nil)
        #expect(try fm.contentsOfDirectory(atPath: prefix + "logs").isEmpty)
        let missing = "events {} http { access_log logs/missing/a.log; }"
        #expect(compileErrorLine(missing, prefix: prefix, checkFilesystem: true)
                == "[emerg] open() \"\(prefix)logs/missing/a.log\" failed (2: No such file or directory)")
        if getuid() != 0 {
            try fm.setAttributes([.posixPermissions: 0o555], ofItemAtPath: prefix + "ro")
            #expect(compileErrorLine("pid ro/x.pid; events {}", prefix: prefix, checkFilesystem: true)
                    == "[emerg] open() \"\(prefix)ro/x.pid\" failed (13: Permission denied)")
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: prefix + "ro")
        }
    }

    /// swhost's own directives follow nginx's conventions for their messages.
    @Test(arguments: [
        ("fastcgi_app a { command x; } fastcgi_app a { command y; }", #"duplicate fastcgi_app "a""#),
        ("fastcgi_app a { command x; processes 0; }", #""processes" directive invalid value"#),
        ("fastcgi_app a { command x; env NOEQUALS; }", #"invalid parameter "NOEQUALS""#),
        ("fastcgi_app a { command x; command y; }", #""command" directive is duplicate"#),
        ("fastcgi_app a { command x; gzip on; }", #""gzip" directive is not allowed here"#),
        ("command x;", #""command" directive is not allowed here"#),
        ("cgi_max_processes x;", #""cgi_max_processes" directive invalid number"#),
        ("mime_sniff maybe;", #"invalid value "maybe" in "mime_sniff" directive, it must be "on" or "off""#),
        ("swift_handler_timeout 1x;", #""swift_handler_timeout" directive invalid value"#),
        ("cgi_read_timeout 1M;", #""cgi_read_timeout" directive invalid value"#),
        ("server { cgi_pass /bin/x; }", #""cgi_pass" directive is not allowed here"#),
        ("server { location / { fastcgi_app a { command x; } } }", #""fastcgi_app" directive is not allowed here"#),
        ("server { location / { swift_handler; } }", #"invalid number of arguments in "swift_handler" directive"#),
        ("server { location / { cgi_param A; } }", #"invalid number of arguments in "cgi_param" directive"#),
    ])
    func swhostDirectivesReject(httpBody: String, message: String) throws {
        let line = try #require(compileErrorLine("events {} http { \(httpBody) }"))
        #expect(line == "[emerg] \(message) in /t.conf:1")
    }

    @Test(arguments: ["worker_max_requests x;", "worker_max_requests_jitter -1;"])
    func workerLimitsAreNumbers(line: String) throws {
        let name = String(line.prefix { $0 != " " })
        #expect(compileErrorLine("\(line) events {}") == "[emerg] \"\(name)\" directive invalid number in /t.conf:1")
    }
}
