// swhost: SWHostStaticTests.

import SWHostStatic
import Testing

@Suite struct AliasMappingTests {
    /// nginx docs (ngx_http_core_module, `alias`) examples, and the alias-traversal cases nginx
    /// concatenates into a path outside the alias.
    @Test(arguments: [
        ("/i/", "/data/w/images/", "/i/top.gif", "/data/w/images/", "/top.gif"),
        ("/i/", "/data/w/images/", "/i/", "/data/w/images/", "/"),
        ("/i", "/data/w/", "/i/x.png", "/data/w/", "/x.png"),
        ("/i", "/data/w/", "/ifoo", "/data/w/", "/foo"),  // nginx: /data/w/foo as well
        ("/i", "/data/w", "/i/x.png", "/data/w", "/x.png"),
    ])
    func mapsUnderTheAlias(prefix: String, alias: String, uri: String, root: String, path: String) throws {
        let m = try #require(AliasMapping(locationPrefix: prefix, alias: alias).map(uri))
        #expect(m.root == root)
        #expect(m.path == path)
    }

    @Test func fileAlias() throws {
        let m = try #require(AliasMapping(locationPrefix: "/favicon.ico", alias: "/data/f.ico").map("/favicon.ico"))
        #expect(m.root == "/data")
        #expect(m.path == "/f.ico")
    }

    @Test func cannotReproduceNginxAliasTraversal() throws {
        let tree = try SymlinkTree()
        // location /i { alias <root>/sub/; } + /i../index.html: nginx serves <root>/index.html.
        let mapping = AliasMapping(locationPrefix: "/i", alias: tree.root + "/sub/")
        let m = try #require(mapping.map("/i../index.html"))
        #expect(m.root == tree.root + "/sub/")
        let r = PathResolver().resolve(root: m.root, path: m.path)
        #expect(r.httpStatus == 400)
        // location /i { alias <root>/sub; } + /i-secret: nginx would open the sibling <root>/sub-secret.
        #expect(AliasMapping(locationPrefix: "/i", alias: tree.root + "/sub").map("/i-secret") == nil)
        #expect(AliasMapping(locationPrefix: "/i/", alias: "/x/").map("/other") == nil)
    }
}
