import Testing
@testable import SWHostConfig

/// Location selection as documented in https://nginx.org/en/docs/http/ngx_http_core_module.html#location.
@Suite struct LocationMatchTests {
    /// The docs' example: configurations A-E.
    static let docsExample = """
        server { listen 80;
            location = / { return 200 A; }
            location / { return 200 B; }
            location /documents/ { return 200 C; }
            location ^~ /images/ { return 200 D; }
            location ~* \\.(gif|jpg|jpeg)$ { return 200 E; }
        }
        """

    @Test(arguments: [
        ("/", "="), ("/index.html", "/"), ("/documents/document.html", "/documents/"),
        ("/images/1.gif", "/images/"), ("/documents/1.jpg", "\\.(gif|jpg|jpeg)$"),
    ])
    func nginxDocsExample(uri: String, location: String) throws {
        let server = try firstServer(Self.docsExample)
        let m = try #require(server.locations.match(uri))
        #expect((m.location.modifier == .exact ? "=" : m.location.name) == location)
    }

    static let nested = """
        server { listen 80;
            location /a/ { location /a/b/ { } location ~ \\.php$ { } location = /a/exact { } }
            location ^~ /static/ { location ~ \\.css$ { } }
            location ~ \\.php$ { }
            location ~ ^/a/b/c { }
            location ~* \\.PNG$ { location ~ ^/img/a { } }
            location /x { }
            location /xy { }
            location @named { }
        }
        """

    @Test(arguments: [
        ("/a/b/c.php", "\\.php$", LocationModifier.regex, true),  // nested regex of the longest prefix first
        ("/a/b/c", "^/a/b/c", .regex, false),                   // then top-level regexes
        ("/a/b/d", "/a/b/", .prefix, true),                     // nested longest prefix
        ("/a/exact", "/a/exact", .exact, true),                 // nested exact
        ("/static/x.css", "\\.css$", .regex, true),             // nested regexes still run under ^~
        ("/static/x.php", "/static/", .prefixNoRegex, false),   // ^~ skips top-level regexes
        ("/img/X.png", "\\.PNG$", .regexCaseless, false),       // ~* is case-insensitive
        ("/img/a.png", "^/img/a", .regex, true),                // a regex location's nested ones are searched too
        ("/x", "/x", .prefix, false), ("/xyz", "/xy", .prefix, false), ("/xz", "/x", .prefix, false),
        ("/q.php", "\\.php$", .regex, false),
    ])
    func nestedAndOrdered(uri: String, name: String, modifier: LocationModifier, nested: Bool) throws {
        let server = try firstServer(Self.nested)
        let m = try #require(server.locations.match(uri))
        #expect(m.location.name == name)
        #expect(m.location.modifier == modifier)
        let isTopLevel = server.locations.all.contains { $0 === m.location }
        #expect(isTopLevel != nested)
    }

    @Test func namedOnlyByName() throws {
        let server = try firstServer(Self.nested)
        #expect(server.locations.match("@named") == nil)
        #expect(server.locations.named("@named")?.modifier == .named)
        #expect(server.locations.match("/nothing") == nil)
    }

    @Test func regexCapturesAreExposed() throws {
        let server = try firstServer(#"server { location ~ ^/u/(?<user>\w+)/(.*)$ { alias /home/$user/$2; } }"#)
        let m = try #require(server.locations.match("/u/ann/pics/a.jpg"))
        #expect(m.captures?[name: "user"] == "ann" && m.captures?[2] == "pics/a.jpg")
    }

    @Test func prefixIndexScalesTo50000Locations() throws {
        var entries: [LocationConfig] = []
        let settings = HTTPSettings(prefix: "/p/")
        for i in 0..<50_000 {
            entries.append(LocationConfig(name: "/d\(i % 500)/s\(i)/", modifier: .prefix, regex: nil, settings: settings))
        }
        entries.append(LocationConfig(name: "/", modifier: .prefix, regex: nil, settings: settings))
        entries.append(LocationConfig(name: "/d7/", modifier: .prefix, regex: nil, settings: settings))
        let tree = LocationTree(entries)
        #expect(tree.match("/d7/s12007/file")?.location.name == "/d7/s12007/")
        #expect(tree.match("/d7/s12008/file")?.location.name == "/d7/")
        #expect(tree.match("/d7/s1200/x")?.location.name == "/d7/")
        #expect(tree.match("/zzz")?.location.name == "/")
    }

    @Test func fastcgiPrefixWithoutTrailingSlashRedirects() throws {
        let server = try firstServer("""
            server { listen 80; location / { } location /app/ { fastcgi_pass 127.0.0.1:9000; } location /files/ { }
                     location ~ app$ { } }
            """)
        let redirect = try #require(server.locations.match("/app"))
        #expect(redirect.redirectWithSlash && redirect.location.name == "/app/")
        #expect(server.locations.match("/app/x")?.redirectWithSlash == false)
        #expect(server.locations.match("/files")?.location.name == "/")
    }
}
