// End-to-end: less common static-module paths (index lists, encoded names, error_page targets,
// HEAD of generated responses, `if` file tests). Checked against nginx 1.22 (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

private let edgeServer = SharedServer {
    try E2EServer(
        name: "edge",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                index index.htm index.html;
                error_page 500 /50x.html;
                location / { }
                location /absidx/ { index missing.html /absidx/fallback.txt; }
                location /tfdir/ { try_files $uri/ =404; }
                location /fromdir/ { autoindex on; }
                location /iff/ {
                    if (!-f $request_filename) { return 404 "no such file\\n"; }
                }
                location /ifd/ {
                    if (-d $request_filename) { return 200 "is dir\\n"; }
                    return 200 "not dir\\n";
                }
                location = /loop { rewrite ^ /loop2 last; }
                location = /loop2 { rewrite ^ /loop last; }
                location /named-eq/ { error_page 404 = @teapot; }
                location @teapot { return 418; }
                location /redirect-err/ { error_page 404 http://example.com/notfound; }
                location /redirect-err301/ { error_page 404 =301 http://example.com/moved; }
                location = /ret { return 200 "return body\\n"; }
                location /tfargs/ { try_files $uri /tf-target.txt?from=$uri; }
                location = /tf-target.txt { return 200 "target args=$args\\n"; }
                location ~ ^/re/(\\w+)/(.+)$ { alias www/aliased/$1/$2; }
                location /al/ { alias www/aliased/; index idx.txt; }
                location /byhost/ { root hosts/$host; }
                location /fn/ { alias www/aliased/; return 200 "$request_filename|$document_root\n"; }
                location /post/ { error_page 405 =200 $uri; }
                location /argtf/ { try_files $uri /argsink; }
                location /argep/ { error_page 404 /argsink; }
                location /argidx/ { index /argsink; }
                location = /argsink { return 200 "args=[$args] is_args=[$is_args]\n"; }
                location /req/ { return 200 "uri=$uri request_uri=$request_uri args=$args is_args=$is_args\\n"; }
            }
            """,
        files: [
            "www/index.html": "html index\n",
            "www/both/index.htm": "htm first\n", "www/both/index.html": "html second\n",
            "www/absidx/fallback.txt": "absolute index\n",
            "www/tfdir/sub/index.html": "tf sub index\n",
            "www/fromdir/sub/z.txt": "z",
            "www/a b.txt": "space name\n",
            "www/caf\u{e9}.txt": "utf8 name\n",
            "www/50x.html": "custom 50x\n",
            "www/iff/here.txt": "here\n",
            "www/ifd/sub/x": "x",
            "www/plain.txt": "plain\n",
            "www/post/form.html": "<form></form>\n",
            "www/aliased/d1/f.txt": "regex alias\n",
            "www/aliased/idx.txt": "alias index\n",
            "hosts/one.test/byhost/f.txt": "host one\n",
            "hosts/two.test/byhost/f.txt": "host two\n",
        ])
}

@Suite(.serialized) struct StaticEdgeCaseTests {
    var s: E2EServer { get throws { try edgeServer.get() } }

    @Test func indexFilesAreTriedInOrder() throws {
        #expect(try s.get("/both/").bodyString == "htm first\n")
        #expect(try s.get("/").bodyString == "html index\n")
    }

    @Test func absoluteIndexIsAnUncheckedRedirect() throws {
        #expect(try s.get("/absidx/").bodyString == "absolute index\n")
    }

    /// `try_files $uri/` on a directory continues with the directory's path without the slash:
    /// the static module then redirects to the slashed URI, whose index is served.
    @Test func tryFilesDirectoryRedirectsThenServesItsIndex() throws {
        let s = try s
        let r = try s.get("/tfdir/sub")
        #expect(r.status == 301)
        #expect(r.header("Location") == "http://127.0.0.1:\(s.port)/tfdir/sub/")
        // With the slash, the index redirect comes back to this location, where
        // `/tfdir/sub/index.html/` is no directory: 404, as nginx answers.
        #expect(try s.get("/tfdir/sub/").status == 404)
        #expect(try s.get("/tfdir/nope").status == 404)
    }

    @Test func autoindexDirectoryWithoutSlashRedirects() throws {
        let s = try s
        let r = try s.get("/fromdir/sub")
        #expect(r.status == 301)
        #expect(r.header("Location") == "http://127.0.0.1:\(s.port)/fromdir/sub/")
    }

    @Test(arguments: [("/a%20b.txt", "space name\n"), ("/caf%C3%A9.txt", "utf8 name\n"), ("/plain.txt?x=1&y", "plain\n"),
                      ("//plain.txt", "plain\n"), ("/./plain.txt", "plain\n")])
    func encodedAndOddPathsMapToFiles(path: String, body: String) throws {
        let r = try s.get(path)
        #expect(r.status == 200)
        #expect(r.bodyString == body)
    }

    @Test func regexLocationAliasBuiltFromCaptures() throws {
        #expect(try s.get("/re/d1/f.txt").bodyString == "regex alias\n")
        #expect(try s.get("/re/d1/nope.txt").status == 404)
        #expect(try s.get("/re/d1/..%2F..%2F..%2Fplain.txt").status != 200)
    }

    @Test func aliasDirectoryIndex() throws {
        #expect(try s.get("/al/").bodyString == "alias index\n")
    }

    @Test func rootWithTheHostVariable() throws {
        #expect(try s.get("/byhost/f.txt", host: "one.test").bodyString == "host one\n")
        #expect(try s.get("/byhost/f.txt", host: "TWO.test").bodyString == "host two\n")
        #expect(try s.get("/byhost/f.txt", host: "three.test").status == 404)
    }

    @Test func requestFilenameUnderAlias() throws {
        let s = try s
        let body = try s.get("/fn/x/y.txt").bodyString
        let aliased = s.prefix.path("www/aliased")
        #expect(body == "\(aliased)/x/y.txt|\(aliased)/\n")
    }

    /// try_files and error_page redirect with the target's arguments (none here); the index
    /// module keeps the request's.
    @Test(arguments: [("/argtf/none?a=b", "args=[] is_args=[]\n"), ("/argep/none?a=b", "args=[] is_args=[]\n"),
                      ("/argidx/?a=b", "args=[a=b] is_args=[?]\n")])
    func internalRedirectArguments(path: String, body: String) throws {
        #expect(try s.get(path).bodyString == body)
    }

    /// The classic "allow POST to static files": 405 redirected to the same URI as GET, as 200.
    @Test func postToStaticViaErrorPage405() throws {
        let r = try s.request("POST", "/post/form.html", body: Array("a=1".utf8))
        #expect(r.status == 200)
        #expect(r.bodyString == "<form></form>\n")
    }

    @Test func fileWithATrailingSlashIsNotFound() throws {
        #expect(try s.get("/plain.txt/").status == 404)
    }

    @Test func ifFileTests() throws {
        #expect(try s.get("/iff/here.txt").bodyString == "here\n")
        let missing = try s.get("/iff/nope.txt")
        #expect(missing.status == 404)
        #expect(missing.bodyString == "no such file\n")
        #expect(try s.get("/ifd/sub").bodyString == "is dir\n")
        #expect(try s.get("/ifd/sub/x").bodyString == "not dir\n")
    }

    /// The cycle used up the redirections, so error_page cannot redirect again.
    @Test func errorPageDoesNotCatchTheRewriteCycle500() throws {
        let r = try s.get("/loop")
        #expect(r.status == 500)
        #expect(r.bodyString.contains("<title>500 Internal Server Error</title>"))
    }

    @Test func errorPageEqualsNamedTakesTheNamedStatus() throws {
        let r = try s.get("/named-eq/missing")
        #expect(r.status == 418)
    }

    @Test func errorPageToAURLRedirects() throws {
        let r = try s.get("/redirect-err/missing")
        #expect(r.status == 302)
        #expect(r.header("Location") == "http://example.com/notfound")
        let p = try s.get("/redirect-err301/missing")
        #expect(p.status == 301)
        #expect(p.header("Location") == "http://example.com/moved")
    }

    @Test func headOfAReturnHasLengthButNoBody() throws {
        let c = try s.client()
        let r = try c.request(method: "HEAD", path: "/ret")
        #expect(r.status == 200)
        #expect(r.header("Content-Length") == "12")
        #expect(try c.request(path: "/ret").bodyString == "return body\n")
    }

    @Test func tryFilesFallbackCarriesArguments() throws {
        #expect(try s.get("/tfargs/x").bodyString == "target args=from=/tfargs/x\n")
    }

    @Test(arguments: [
        ("/req/a%20b?x=%20", "uri=/req/a b request_uri=/req/a%20b?x=%20 args=x=%20 is_args=?\n"),
        ("/req/p", "uri=/req/p request_uri=/req/p args= is_args=\n"),
        ("/req//x/../y", "uri=/req/y request_uri=/req//x/../y args= is_args=\n"),
    ])
    func requestVariables(path: String, body: String) throws {
        #expect(try s.get(path).bodyString == body)
    }
}
