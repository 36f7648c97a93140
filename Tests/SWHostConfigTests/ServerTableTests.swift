import Testing
@testable import SWHostConfig

/// Virtual server selection: https://nginx.org/en/docs/http/server_names.html ("the first
/// matching variant is chosen: exact name, longest wildcard starting with an asterisk, longest
/// wildcard ending with an asterisk, first matching regular expression") and request_processing.html.
@Suite struct ServerTableTests {
    static let config = """
        server { listen 8080; server_name first; }
        server { listen 8080; server_name example.org www.example.org; }
        server { listen 8080; server_name *.example.org; }
        server { listen 8080; server_name *.mail.example.org; }
        server { listen 8080; server_name www.example.*; }
        server { listen 8080; server_name www.*; }
        server { listen 8080; server_name ~^(?<user>[a-z]+)\\.users\\.net$ ~^www\\d+\\.; }
        server { listen 8080 default_server; server_name dflt; }
        server { listen 127.0.0.1:9090; server_name only; }
        """

    @Test(arguments: [
        ("example.org", "example.org"), ("WWW.Example.ORG", "example.org"), ("www.example.org.", "example.org"),
        ("example.org:8080", "example.org"), ("a.example.org", "*.example.org"), ("x.mail.example.org", "*.mail.example.org"),
        ("www.example.net", "www.example.*"), ("www.other.com", "www.*"), ("bob.users.net", "~^(?<user>[a-z]+)\\.users\\.net$"),
        ("www12.foo", "~^(?<user>[a-z]+)\\.users\\.net$"), ("unknown.host", "dflt"), ("", "dflt"), ("first", "first"),
    ])
    func precedence(host: String, expectedFirstName: String) throws {
        let http = try compileHTTP(Self.config)
        let table = try #require(http.listeners[.ipv4("0.0.0.0", port: 8080)])
        #expect(table.select(host: host).primaryName == expectedFirstName)
    }

    @Test func regexNameCapturesAreReturned() throws {
        let http = try compileHTTP(Self.config)
        let table = try #require(http.listeners[.ipv4("0.0.0.0", port: 8080)])
        #expect(table.resolve(host: "bob.users.net").captures?[name: "user"] == "bob")
    }

    @Test func withoutDefaultServerTheFirstOneWins() throws {
        let http = try compileHTTP("server { listen 80; server_name a; } server { listen 80; server_name b; }")
        #expect(http.listeners[.ipv4("0.0.0.0", port: 80)]?.select(host: "zzz").primaryName == "a")
    }

    @Test func addressesHaveSeparateTables() throws {
        let http = try compileHTTP(Self.config)
        #expect(http.listeners.count == 2)
        #expect(http.listeners[.ipv4("127.0.0.1", port: 9090)]?.select(host: "example.org").primaryName == "only")
    }

    @Test func conflictingNameWarnsAndKeepsTheFirst() throws {
        let compiled = try compileConfig("events {} http { server { listen 80; server_name a; } server { listen 80; server_name a b; } }")
        #expect(compiled.warnings.map(\.description) == [#"[warn] conflicting server name "a" on 0.0.0.0:80, ignored"#])
        let table = try #require(compiled.main.http?.listeners[.ipv4("0.0.0.0", port: 80)])
        #expect(table.select(host: "a") === table.servers[0])
        #expect(table.select(host: "b") === table.servers[1])
    }

    @Test func wildcardCoversSpecificAddressesOnItsPort() throws {
        let http = try compileHTTP("""
            server { listen 80; server_name wild; }
            server { listen 127.0.0.1:80; server_name lo; }
            server { listen 127.0.0.1:81; server_name only; }
            server { listen [::]:80; server_name v6; }
            server { listen unix:/run/s.sock; server_name sock; }
            """)
        #expect(http.bindAddresses.map(\.description) == ["0.0.0.0:80", "127.0.0.1:81", "[::]:80", "unix:/run/s.sock"])
        #expect(http.serverTable(local: .ipv4("127.0.0.1", port: 80))?.select(host: "x").primaryName == "lo")
        #expect(http.serverTable(local: .ipv4("10.1.1.1", port: 80))?.select(host: "x").primaryName == "wild")
        #expect(http.serverTable(local: .ipv6("::1", port: 80))?.select(host: "x").primaryName == "v6")
        #expect(http.serverTable(local: .ipv4("10.1.1.1", port: 81)) == nil)
    }

    @Test func serverLevelTryFilesIsOnTheServerLevel() throws {
        let server = try firstServer("server { listen 80; try_files $uri /index.html; }")
        #expect(server.serverLevel.tryFiles?.fallback == .uri(VariableTemplate(literal: "/index.html")))
    }

    @Test func socketOptionsOncePerAddress() throws {
        #expect(compileErrorLine("events {} http { server { listen 80 reuseport; } server { listen 80 reuseport; } }")
                == "[emerg] duplicate listen options for 0.0.0.0:80 in /t.conf:1")
        let http = try compileHTTP("server { listen 80; } server { listen 80 backlog=64 default_server; }")
        #expect(http.listenOptions[.ipv4("0.0.0.0", port: 80)]?.backlog == 64)
    }
}
