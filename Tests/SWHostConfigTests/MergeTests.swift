import Testing
@testable import SWHostConfig

/// nginx's merge rules: a value inherits http → server → location → nested location unless set
/// again; array directives are replaced, not appended, at a level that has any.
@Suite struct MergeTests {
    static let config = """
        gzip on; client_max_body_size 2m; add_header X-Http h; fastcgi_param A a; cgi_param C c;
        error_page 404 /http404.html; allow 10.0.0.0/8; root /www/http; access_log logs/http.log;
        server { listen 80;
            client_max_body_size 3m; add_header X-Server s;
            location /inherit/ { }
            location /override/ { gzip off; add_header X-Loc l; fastcgi_param B b; cgi_param D d;
                                  error_page 500 /500.html; deny all; access_log off; root /www/loc;
                location /override/nested/ { client_max_body_size 9m; }
                location /override/nested2/ { add_header X-Nested n; }
            }
            location /alias/ { alias /data/; location /alias/sub/ { } }
        }
        """

    func loc(_ uri: String) throws -> HTTPSettings {
        try #require(try compileHTTP(Self.config).servers[0].locations.match(uri)).location.settings
    }

    @Test func scalarsInherit() throws {
        let s = try loc("/inherit/")
        #expect(s.gzip && s.clientMaxBodySize == .megabytes(3) && s.root == .root(VariableTemplate(literal: "/www/http")))
    }

    @Test func arraysFromTheNearestLevelWithAny() throws {
        let s = try loc("/inherit/")
        #expect(s.addHeaders.map(\.name) == ["X-Server"])
        #expect(s.fastcgiParams.map(\.name) == ["A"] && s.cgiParams.map(\.name) == ["C"])
        #expect(s.errorPages.map(\.codes) == [[404]] && s.accessRules.count == 1)
        #expect(s.accessLogs.map(\.path.literalValue) == ["/srv/p/logs/http.log"])
    }

    @Test func childArraysReplaceInsteadOfAppending() throws {
        let s = try loc("/override/")
        #expect(!s.gzip && s.addHeaders.map(\.name) == ["X-Loc"])
        #expect(s.fastcgiParams.map(\.name) == ["B"] && s.cgiParams.map(\.name) == ["D"])
        #expect(s.errorPages.map(\.codes) == [[500]] && s.accessRules.map(\.action) == [.deny] && s.accessLogs.isEmpty)
    }

    @Test func nestedLocationsInheritFromTheirParent() throws {
        let n = try loc("/override/nested/x")
        #expect(n.clientMaxBodySize == .megabytes(9) && !n.gzip && n.root == .root(VariableTemplate(literal: "/www/loc")))
        #expect(n.addHeaders.map(\.name) == ["X-Loc"])
        #expect(try loc("/override/nested2/").addHeaders.map(\.name) == ["X-Nested"])
        #expect(try loc("/override/nested2/").clientMaxBodySize == .megabytes(3))
    }

    @Test func aliasIsInheritedInPlaceOfRoot() throws {
        let sub = try loc("/alias/sub/x")
        #expect(sub.root == .alias(VariableTemplate(literal: "/data/")))
        #expect(sub.aliasOrigin == HTTPSettings.AliasOrigin(locationName: "/alias/", isRegex: false))
        #expect(try loc("/inherit/").aliasOrigin == nil)
    }

    @Test func httpDirectivesAfterServersStillApply() throws {
        let server = try firstServer("server { listen 80; } gzip on;")
        #expect(server.gzip)
    }

    @Test func handlersAreNotInherited() throws {
        let server = try firstServer("server { listen 80; location /php/ { fastcgi_pass 127.0.0.1:9000; location /php/static/ { } } }")
        #expect(try #require(server.locations.match("/php/a")).location.handler == .fastcgi(.inet(host: "127.0.0.1", port: 9000)))
        #expect(try #require(server.locations.match("/php/static/a")).location.handler == .staticFiles)
    }

    @Test func errorLogsPerLevel() throws {
        let http = try compileHTTP("""
            server { listen 80; error_log logs/site.log warn;
                     location /a/ { } location /b/ { error_log stderr debug; error_log logs/b.log; } }
            server { listen 81; }
            """)
        let t = http.servers[0].locations
        #expect(try #require(t.match("/a/")).location.errorLogs == [ErrorLogTarget(destination: .file("/srv/p/logs/site.log"), level: .warn)])
        #expect(try #require(t.match("/b/")).location.errorLogs.map(\.level) == [.debug, .error])
        #expect(http.servers[1].errorLogs.isEmpty)
    }
}
