import Testing
@testable import SWHostConfig

/// Value syntaxes from nginx's "Syntax" docs page (https://nginx.org/en/docs/syntax.html).
@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("512", 512), ("10k", 10240), ("10K", 10240), ("1m", 1_048_576), ("1M", 1_048_576),
        ("1g", 1_073_741_824), ("0", 0),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(ByteSize(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "k", "1q", "1.5m", "-1", "1kb", "99999999999999999999"])
    func invalidSizes(text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test(arguments: [
        ("500ms", 500), ("30s", 30_000), ("30", 30_000), ("5m", 300_000), ("1h", 3_600_000),
        ("1h30m", 5_400_000), ("1d", 86_400_000), ("1w", 604_800_000), ("1M", 2_592_000_000),
        ("1y", 31_536_000_000), ("1d12h", 129_600_000), ("1m500ms", 60_500), ("1h30", 3_630_000),
        ("1h 30m", 5_400_000), ("0", 0),
    ] as [(String, Int64)])
    func times(text: String, milliseconds: Int64) {
        #expect(ConfigTime(parsing: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["", " ", "s", "1q", "30m1h", "1h1h", "-1s", "1.5s", "30s1m"])
    func invalidTimes(text: String) {
        #expect(ConfigTime(parsing: text) == nil)
    }

    /// nginx rejects `y` and `M` in millisecond-valued directives (`keepalive_timeout 1M` fails
    /// `nginx -t`, `expires 1M` passes).
    @Test func longUnitsOnlyForSecondValuedDirectives() {
        #expect(ConfigTime(parsing: "1M", longUnits: false) == nil)
        #expect(ConfigTime(parsing: "1y", longUnits: false) == nil)
        #expect(ConfigTime(parsing: "4w", longUnits: false)?.milliseconds == 2_419_200_000)
        #expect(compileErrorLine("events {} http { keepalive_timeout 1M; }") == #"[emerg] "keepalive_timeout" directive invalid value in /t.conf:1"#)
        #expect(compileErrorLine("events {} http { expires 1y; }") == nil)
    }

    @Test(arguments: [
        ("192.168.1.0/24", "192.168.1.77", true), ("192.168.1.0/24", "192.168.2.1", false),
        ("10.0.0.1", "10.0.0.1", true), ("10.0.0.1", "10.0.0.2", false), ("0.0.0.0/0", "8.8.8.8", true),
        ("2001:db8::/32", "2001:db8:1::5", true), ("2001:db8::/32", "2001:db9::1", false),
        ("::1", "::1", true), ("::/0", "fe80::1", true), ("10.0.0.0/8", "::1", false),
    ])
    func cidrContains(cidr: String, address: String, expected: Bool) throws {
        let c = try #require(CIDR(parsing: cidr))
        #expect(c.contains(address) == expected)
    }

    @Test func cidrReportsLowBits() throws {
        #expect(try #require(CIDR(parsing: "1.2.3.5/24")).hadLowBits)
        #expect(try !#require(CIDR(parsing: "1.2.3.0/24")).hadLowBits)
        #expect(CIDR(parsing: "1.2.3.4/40") == nil)
        #expect(CIDR(parsing: "1.2.3") == nil)
        #expect(CIDR(parsing: "2001:db8::/129") == nil)
    }

    @Test(arguments: [
        ("8080", "0.0.0.0:8080"), ("127.0.0.1:8080", "127.0.0.1:8080"), ("*:80", "0.0.0.0:80"),
        ("*", "0.0.0.0:80"), ("127.0.0.1", "127.0.0.1:80"), ("[::1]:80", "[::1]:80"), ("[::]:8443", "[::]:8443"),
        ("[::1]", "[::1]:80"), ("unix:/run/s.sock", "unix:/run/s.sock"), ("localhost:81", "127.0.0.1:81"),
    ])
    func listenAddresses(text: String, key: String) throws {
        let server = try firstServer("server { listen \(text); }")
        #expect(server.listens.map(\.address.description) == [key])
    }

    @Test func listenParameters() throws {
        let server = try firstServer("server { listen 8080 default_server ssl http2 reuseport backlog=128 ipv6only=off; }")
        let l = try #require(server.listens.first)
        #expect(l.defaultServer && l.ssl && l.http2 && l.reuseport)
        #expect(l.backlog == 128)
        #expect(l.ipv6only == false)
    }

    @Test func serverWithoutListenUsesPort80AndEmptyName() throws {
        let server = try firstServer("server { }")
        #expect(server.listens.map(\.address.description) == ["0.0.0.0:80"])
        #expect(server.names == [.exact("")])
    }

    @Test func serverNameForms() throws {
        let server = try firstServer(#"server { server_name Example.ORG *.a.org www.b.* .c.org "" ~^(?<sub>\w+)\.d\.org$; }"#)
        #expect(server.names.map(\.description) == ["example.org", "*.a.org", "www.b.*", "c.org", "*.c.org", "", "~^(?<sub>\\w+)\\.d\\.org$"])
    }

    @Test func templatesSplitVariables() throws {
        let t = try VariableTemplate(parsing: "$scheme://${host}x$1/$http_user_agent$arg_Foo$cookie_sid$sent_http_etag")
        #expect(t.segments == [
            .variable(.builtin("scheme")), .literal("://"), .variable(.builtin("host")), .literal("x"),
            .variable(.capture(1)), .literal("/"), .variable(.httpHeader("user-agent")), .variable(.argument("Foo")),
            .variable(.cookie("sid")), .variable(.sentHTTPHeader("etag")),
        ])
        #expect(t.userVariables.isEmpty)
        #expect(try VariableTemplate(parsing: "$mine").userVariables == ["mine"])
        #expect(throws: VariableTemplate.ParseError.self) { try VariableTemplate(parsing: "${x") }
        #expect(throws: VariableTemplate.ParseError.self) { try VariableTemplate(parsing: "a$") }
    }

    @Test func regexCapturesNumberedAndNamed() throws {
        let re = try ConfigRegex(#"^/(?<user>[a-z]+)/(\d+)$"#)
        let m = try #require(re.match("/bob/42"))
        #expect(m[0] == "/bob/42")
        #expect(m[1] == "bob")
        #expect(m[2] == "42")
        #expect(m[name: "user"] == "bob")
        #expect(re.match("/Bob/42") == nil)
        #expect(try ConfigRegex("^/bob", caseless: true).match("/BOB") != nil)
    }

    @Test func regexCompileErrorUsesNginxText() {
        #expect(throws: ConfigRegex.CompileError(message: #"pcre2_compile() failed: missing closing parenthesis in "/x(""#)) {
            try ConfigRegex("/x(")
        }
        #expect(throws: ConfigRegex.CompileError(message: #"pcre2_compile() failed: quantifier does not follow a repeatable item in "a**b" at "*b""#)) {
            try ConfigRegex("a**b")
        }
    }

    @Test func regexIsSafeToMatchFromManyTasksWhileItJITCompiles() async throws {
        let re = try ConfigRegex(#"^/item/(\d+)$"#)
        let matched = await withTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var n = 0
                    for i in 0..<500 where re.match("/item/\(t * 1000 + i)")?[1] == "\(t * 1000 + i)"[...] { n += 1 }
                    return n
                }
            }
            return await group.reduce(0, +)
        }
        #expect(matched == 4000)
    }
}
