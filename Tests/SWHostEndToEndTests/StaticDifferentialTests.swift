// End-to-end, differential: the same config and files served by swhost and by nginx 1.22 (when
// installed), the same requests sent to both, and status, the headers that matter and the
// (decoded) bodies compared. Skipped when nginx is not installed.

import Foundation
import SWHostTesting
import Testing

private let differentialConfig = """
    gzip on;
    gzip_types text/plain application/json;
    gzip_min_length 50;
    gzip_vary on;
    server {
        listen 127.0.0.1:{PORT};
        server_name localhost;
        root www;
        index index.html;
        error_page 404 /404.html;
        location / { }
        location /auto/ { autoindex on; }
        location /autojson/ { alias www/auto/; autoindex on; autoindex_format json; }
        location /exp/ { expires 1h; add_header X-Exp yes; }
        location /nomax/ { max_ranges 0; }
        location /tf/ { try_files $uri $uri.html $uri/ @fallback; }
        location @fallback { return 200 "fallback $uri $args\\n"; }
        location = /redir { return 301 /target?x=1; }
        location = /text { return 200 "text for $arg_name\\n"; }
        location /rw/ { rewrite ^/rw/(\\d+)$ /num.txt?n=$1 last; rewrite ^/rw/r/(.*)$ /new/$1 redirect; }
        location = /num.txt { return 200 "num $arg_n\\n"; }
        location /deny/ { deny all; }
        location /plain/ { gzip off; }
    }
    """

private let differentialFiles: [String: String] = [
    "www/index.html": "<h1>differential home</h1>\n",
    "www/404.html": "<p>custom not found</p>\n",
    "www/a.txt": String(repeating: "abcdefghij", count: 20),
    "www/short.txt": "short\n",
    "www/data.json": "{\"list\": [" + (1...40).map(String.init).joined(separator: ", ") + "]}",
    "www/style.css": "body { margin: 0; }\n",
    "www/dir/index.html": "dir index\n",
    "www/auto/one.txt": "1", "www/auto/two words.txt": "22", "www/auto/sub/x.txt": "x",
    "www/exp/e.txt": "expires\n",
    "www/nomax/n.txt": "0123456789",
    "www/tf/page.html": "tf page\n", "www/tf/real.txt": "tf real\n", "www/tf/d/index.html": "tf d index\n",
    "www/deny/x.txt": "x",
    "www/plain/p.txt": String(repeating: "plain ", count: 30),
]

/// Fixed mtimes, so both servers compute the same validators.
func fixMtimes(_ prefix: TestPrefix) throws {
    let date = Date(timeIntervalSince1970: 1_650_000_000)
    let fm = FileManager.default
    let root = prefix.url.appendingPathComponent("www")
    let items = fm.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
    for item in items + [""] {
        try fm.setAttributes([.modificationDate: date], ofItemAtPath: root.appendingPathComponent(item).path)
    }
}

private let swhostSide = SharedServer {
    try E2EServer(name: "diff-swhost", http: differentialConfig, files: differentialFiles, nginx: false, setup: fixMtimes)
}
private let nginxSide = SharedServer {
    try E2EServer(name: "diff-nginx", http: differentialConfig, files: differentialFiles, nginx: true, setup: fixMtimes)
}

/// One request of the corpus.
struct DiffCase: Sendable, CustomTestStringConvertible {
    var method = "GET"
    var path: String
    var headers: [(String, String)] = []
    var version = "HTTP/1.1"

    var testDescription: String {
        "\(method) \(path) \(version)" + headers.map { " [\($0.0): \($0.1)]" }.joined()
    }
}

private let gz = ("Accept-Encoding", "gzip")
private let etagA = "\"" + String(1_650_000_000, radix: 16) + "-c8\""

private let corpus: [DiffCase] = [
    DiffCase(path: "/"), DiffCase(path: "/index.html"), DiffCase(path: "/a.txt"), DiffCase(path: "/short.txt"),
    DiffCase(path: "/data.json"), DiffCase(path: "/style.css"), DiffCase(path: "/dir"), DiffCase(path: "/dir?q=1"),
    DiffCase(path: "/dir/"), DiffCase(path: "/missing"), DiffCase(path: "/missing/"), DiffCase(path: "/a.txt/"),
    DiffCase(path: "/auto/"), DiffCase(path: "/auto"), DiffCase(path: "/autojson/"),
    DiffCase(path: "/a.txt", headers: [gz]), DiffCase(path: "/data.json", headers: [gz]),
    DiffCase(path: "/short.txt", headers: [gz]), DiffCase(path: "/style.css", headers: [gz]),
    DiffCase(path: "/index.html", headers: [gz]), DiffCase(path: "/plain/p.txt", headers: [gz]),
    DiffCase(path: "/a.txt", headers: [gz], version: "HTTP/1.0"),
    DiffCase(method: "HEAD", path: "/a.txt"), DiffCase(method: "HEAD", path: "/a.txt", headers: [gz]),
    DiffCase(method: "HEAD", path: "/missing"), DiffCase(method: "HEAD", path: "/dir"),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-9")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=-10")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=190-")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=500-")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-0,-1")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=x")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-9"), ("If-Range", etagA)]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-9"), ("If-Range", "\"x\"")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-9"), gz]),
    DiffCase(path: "/nomax/n.txt", headers: [("Range", "bytes=0-1")]),
    DiffCase(path: "/a.txt", headers: [("If-None-Match", etagA)]),
    DiffCase(path: "/a.txt", headers: [("If-None-Match", "W/" + etagA), gz]),
    DiffCase(path: "/a.txt", headers: [("If-Match", "\"nope\"")]),
    DiffCase(path: "/a.txt", headers: [("If-Modified-Since", "Fri, 15 Apr 2022 05:20:00 GMT")]),
    DiffCase(path: "/a.txt", headers: [("If-Unmodified-Since", "Fri, 15 Apr 2022 05:19:59 GMT")]),
    DiffCase(path: "/exp/e.txt"), DiffCase(path: "/exp/missing"),
    DiffCase(path: "/tf/page"), DiffCase(path: "/tf/real.txt"), DiffCase(path: "/tf/d"), DiffCase(path: "/tf/d/"),
    DiffCase(path: "/tf/none?a=b"),
    DiffCase(path: "/redir"), DiffCase(path: "/text?name=zed"), DiffCase(path: "/text?name=zed", headers: [gz]),
    DiffCase(path: "/rw/42"), DiffCase(path: "/rw/r/x?y=1"), DiffCase(path: "/deny/x.txt"),
    DiffCase(method: "POST", path: "/a.txt"), DiffCase(method: "PUT", path: "/a.txt"), DiffCase(method: "DELETE", path: "/dir/"),
    DiffCase(method: "OPTIONS", path: "/a.txt"), DiffCase(method: "POST", path: "/dir/"), DiffCase(method: "POST", path: "/text"),
    DiffCase(path: "/%61.txt"), DiffCase(path: "/dir/../a.txt"), DiffCase(path: "/../a.txt"), DiffCase(path: "/a.txt%00"),
    DiffCase(path: "/a.txt?"),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes= 0-1")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-1, 3-4")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-0,0-0")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=-0")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=1-0")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21")]),
    DiffCase(path: "/a.txt", headers: [("Range", "BYTES=0-1")]), DiffCase(path: "/a.txt", headers: [("Range", "bytes=199-300")]),
    DiffCase(path: "/missing", headers: [("Range", "bytes=0-1")]), DiffCase(path: "/text", headers: [("Range", "bytes=0-1")]),
    DiffCase(method: "HEAD", path: "/a.txt", headers: [("Range", "bytes=0-1,5-6")]),
    DiffCase(method: "HEAD", path: "/a.txt", headers: [("If-Modified-Since", "Fri, 15 Apr 2022 05:20:00 GMT")]),
    DiffCase(path: "/a.txt", headers: [("If-None-Match", etagA), ("Range", "bytes=0-1")]),
    DiffCase(path: "/a.txt", headers: [("If-Match", "*"), ("Range", "bytes=0-1")]),
    DiffCase(path: "/a.txt", headers: [("If-Range", "Fri, 15 Apr 2022 05:20:00 GMT"), ("Range", "bytes=0-1"), gz]),
    DiffCase(method: "POST", path: "/a.txt", headers: [("If-None-Match", etagA)]),
    DiffCase(path: "/a.txt", headers: [("If-None-Match", "\"a\", W/\"b\",  " + etagA)]),
    DiffCase(path: "/a.txt", headers: [("If-None-Match", etagA.lowercased().uppercased())]),
    DiffCase(path: "/a.txt", headers: [("If-Modified-Since", "Friday, 15-Apr-22 05:20:00 GMT")]),
    DiffCase(path: "/a.txt", headers: [("If-Modified-Since", "Fri Apr 15 05:20:00 2022")]),
    DiffCase(path: "/exp/e.txt", headers: [("If-None-Match", "*")]),
    DiffCase(path: "/missing", headers: [gz]), DiffCase(path: "/deny/x.txt", headers: [gz]),
    DiffCase(path: "/a.txt", headers: [gz, ("Range", "bytes=900-")]), DiffCase(path: "/dir", headers: [gz]),
    DiffCase(method: "POST", path: "/a.txt", headers: [gz]), DiffCase(path: "/auto/", headers: [gz]),
    // Hostile values: overflowing numbers, long lists.
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=99999999999999999999-")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=-99999999999999999999")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=0-99999999999999999999")]),
    DiffCase(path: "/a.txt", headers: [("Range", "bytes=" + (0..<200).map { "\($0)-\($0)" }.joined(separator: ","))]),
    DiffCase(path: "/a.txt", headers: [("If-None-Match", (0..<500).map { "\"t\($0)\"" }.joined(separator: ", "))]),
    DiffCase(path: "/a.txt", headers: [("If-Modified-Since", "Fri, 15 Apr 99999 05:20:00 GMT")]),
    DiffCase(path: "/a.txt", headers: [("Accept-Encoding", String(repeating: "x;q=0.5, ", count: 300) + "gzip")]),
]

/// The response reduced to what must agree.
func summary(_ r: RawHTTPResponse, port: Int, software: String, isHead: Bool) throws -> [String] {
    var out = ["status \(r.status)"]
    let page = "<center>\(software)</center>"
    let hasPage = String(decoding: r.body, as: UTF8.self).contains(page)
        || (isHead && r.status >= 300 && r.header("Content-Type") == "text/html" && r.header("ETag") == nil)
    if r.framing == .chunked {
        // nginx streams generated bodies (autoindex); swhost may know their length.
        out.append("Content-Length: (stream)")
    } else if r.header("Content-Encoding") == "gzip" {
        // nginx streams gzip (chunked); swhost may know the compressed length.
        out.append("Content-Length: (gzip)")
    } else if let length = r.header("Content-Length").flatMap(Int.init) {
        // Built-in pages name the server; count it out.
        out.append("Content-Length: \(hasPage ? length - software.utf8.count : length)")
    } else {
        out.append("Content-Length: -")
    }
    for name in ["Content-Type", "ETag", "Last-Modified", "Location", "Content-Range", "Accept-Ranges",
                 "Vary", "Content-Encoding", "Cache-Control", "X-Exp", "Connection", "WWW-Authenticate"] {
        out.append("\(name): \(r.header(name)?.replacingOccurrences(of: ":\(port)", with: ":PORT") ?? "-")")
    }
    var body = r.header("Content-Encoding") == "gzip" && !r.body.isEmpty ? try gunzip(r.body) : r.body
    if r.header("Content-Type")?.hasPrefix("multipart/byteranges") == true {
        // Boundaries are random: compare the parts (HEAD has none).
        let type = r.header("Content-Type") ?? ""
        let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
        body = body.isEmpty ? [] : Array(try parseByteranges(body, boundary: boundary).map { "\($0.contentType ?? "-") \($0.contentRange ?? "-") \(String(decoding: $0.body, as: UTF8.self))" }
            .joined(separator: "|").utf8)
        out.removeAll { $0.hasPrefix("Content-Length") || $0.hasPrefix("Content-Type") }
    }
    let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "<center>\(software)</center>", with: "<center>SERVER</center>")
    out.append("body \(text)")
    return out
}

/// One request to nginx and to swhost running the same config: their summaries, plus the suite's
/// `extra` lines, must be equal. nginx streams (chunked) some bodies swhost sends with a length
/// (autoindex, gzip from the variant cache); that difference alone is not counted.
func expectSameAnswer(_ c: DiffCase, swhost: SharedServer, nginx: SharedServer,
                      extra: (RawHTTPResponse) -> [String] = { _ in [] }) throws {
    func send(_ server: E2EServer) throws -> [String] {
        let client = try server.client()
        defer { client.close() }
        let r = try client.request(method: c.method, path: c.path, version: c.version, headers: c.headers,
                                   body: ["POST", "PUT"].contains(c.method) ? [] : nil)
        return try summary(r, port: server.port, software: server.software, isHead: c.method == "HEAD") + extra(r)
    }
    let expected = try send(try nginx.get())
    var actual = try send(try swhost.get())
    if expected.contains("Content-Length: (stream)") {
        actual = actual.map { $0.hasPrefix("Content-Length: ") ? "Content-Length: (stream)" : $0 }
    }
    #expect(actual == expected)
}

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct StaticDifferentialTests {
    @Test(arguments: corpus)
    func swhostAnswersAsNginxDoes(_ c: DiffCase) throws {
        try expectSameAnswer(c, swhost: swhostSide, nginx: nginxSide)
    }
}

// MARK: - Routing, rewrite, access and error pages

private let routingConfig = """
    server {
        listen 127.0.0.1:{PORT} default_server;
        server_name main.test;
        root www;
        add_header X-Server main;
        location / { }
        location = /exact { return 200 "exact $uri $args\\n"; }
        location ^~ /pre/ { return 200 "pre $uri\\n"; }
        location ~* \\.(gif|JPG)$ { add_header X-Img yes always; return 200 "img $uri\\n"; }
        location ~ ^/cap/(?<who>\\w+)/(\\d+) { return 200 "cap $who $2 $1\\n"; }
        location /nest/ {
            location ~ \\.txt$ { return 200 "nested txt $uri\\n"; }
            location /nest/deep/ { return 200 "deep\\n"; }
        }
        location /ep/ {
            error_page 404 =200 /ep-target.html;
            error_page 403 = @forbidden;
            error_page 410 http://example.com/gone;
            location /ep/forbid/ { deny all; }
            location /ep/gone/ { return 410; }
        }
        location @forbidden { return 451 "named $uri\\n"; }
        location /al/ { alias www/aliased/; }
        location /idx/ { index none.html /idx-target.txt; }
        location /idx2/ { index none.html /idx-target.txt; }
        location /tf/ { try_files $uri /tf-default.txt =404; }
        location /rw/ {
            rewrite ^/rw/perm/(.*)$ /p/$1 permanent;
            rewrite ^/rw/brk/(.*)$ /aliased-copy/$1 break;
            rewrite ^/rw/args/(.*)$ /exact?from=$1 last;
            rewrite ^/rw/noargs/(.*)$ /exact?only=$1? last;
            rewrite ^/rw/chain/(.*)$ /rw/args/$1;
            return 404 "rw fallthrough\\n";
        }
        location /if/ {
            set $flag "";
            if ($arg_a) { set $flag "a"; }
            if ($http_x_b = "yes") { set $flag "${flag}b"; }
            if ($request_method = POST) { return 405 "post $flag\\n"; }
            return 200 "flag=$flag\\n";
        }
        location /hdr/ {
            add_header X-Loc loc;
            add_header X-Always always always;
            expires epoch;
        }
        location /lim/ { limit_except GET POST { deny all; } return 200 "lim ok\\n"; }
        location /auth/ { auth_basic "Zone"; auth_basic_user_file htpasswd; }
    }
    server {
        listen 127.0.0.1:{PORT};
        server_name *.wild.test;
        return 200 "wild $host\\n";
    }
    server {
        listen 127.0.0.1:{PORT};
        server_name ~^(?<sub>[a-z]+)\\.re\\.test$;
        location / { return 200 "re $sub $1\\n"; }
    }
    """

private let routingFiles: [String: String] = [
    "www/index.html": "<p>routing home</p>\n",
    "www/ep-target.html": "<p>error page target</p>\n",
    "www/aliased/f.txt": "aliased file\n",
    "www/aliased-copy/f.txt": "break target\n",
    "www/idx-target.txt": "absolute index target\n",
    "www/idx2/other.txt": "the directory exists\n",
    "www/tf-default.txt": "tf default\n",
    "www/tf/here.txt": "tf here\n",
    "www/hdr/h.txt": "headers\n",
    "www/auth/a.txt": "secret area\n",
    "www/nest/x.txt": "real nested file\n",
    "www/nest/plain.html": "<p>nested plain</p>\n",
]

private func routingSetup(_ prefix: TestPrefix) throws {
    try fixMtimes(prefix)
    // A fixed apr1 hash of "pw" (salt "saltsalt"), the same for both servers.
    try prefix.write("etc/htpasswd", "user:$apr1$saltsalt$x78Y39ym2RjUNQHTLgwHz/\n")
}

private let routingSwhost = SharedServer {
    try E2EServer(name: "diff2-swhost", http: routingConfig, files: routingFiles, nginx: false, setup: routingSetup)
}
private let routingNginx = SharedServer {
    try E2EServer(name: "diff2-nginx", http: routingConfig, files: routingFiles, nginx: true, setup: routingSetup)
}

private func auth(_ credentials: String) -> (String, String) {
    ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString())
}

private let routingCorpus: [DiffCase] = [
    DiffCase(path: "/"), DiffCase(path: "/exact?x=1"), DiffCase(path: "/exact/"), DiffCase(path: "/pre/a.gif"),
    DiffCase(path: "/a/b.GIF"), DiffCase(path: "/a/b.jpg"), DiffCase(path: "/cap/bob/42"), DiffCase(path: "/cap/bob/x"),
    DiffCase(path: "/nest/x.txt"), DiffCase(path: "/nest/deep/x.txt"), DiffCase(path: "/nest/plain.html"),
    DiffCase(path: "/nest/missing.html"),
    DiffCase(path: "/ep/missing"), DiffCase(path: "/ep/forbid/x"), DiffCase(path: "/ep/gone/x"),
    DiffCase(method: "HEAD", path: "/ep/missing"), DiffCase(method: "POST", path: "/ep/missing"),
    DiffCase(path: "/al/f.txt"), DiffCase(path: "/al/"), DiffCase(path: "/al"), DiffCase(path: "/al/nope"),
    DiffCase(path: "/idx/"), DiffCase(path: "/idx2/"), DiffCase(path: "/tf/here.txt"), DiffCase(path: "/tf/nothere.txt"),
    DiffCase(path: "/rw/perm/a?q=1"), DiffCase(path: "/rw/brk/f.txt"), DiffCase(path: "/rw/args/z?orig=1"),
    DiffCase(path: "/rw/noargs/z?orig=1"), DiffCase(path: "/rw/chain/c?k=v"), DiffCase(path: "/rw/other"),
    DiffCase(path: "/if/"), DiffCase(path: "/if/?a=1"), DiffCase(path: "/if/?a=0", headers: [("X-B", "yes")]),
    DiffCase(path: "/if/?a=1", headers: [("X-B", "yes")]), DiffCase(method: "POST", path: "/if/?a=1"),
    DiffCase(path: "/hdr/h.txt"), DiffCase(path: "/hdr/missing"), DiffCase(path: "/hdr/h.txt", headers: [("If-None-Match", "*")]),
    DiffCase(path: "/lim/"), DiffCase(method: "POST", path: "/lim/"), DiffCase(method: "HEAD", path: "/lim/"),
    DiffCase(method: "PUT", path: "/lim/"),
    DiffCase(path: "/auth/a.txt"), DiffCase(path: "/auth/a.txt", headers: [auth("user:pw")]),
    DiffCase(path: "/auth/a.txt", headers: [auth("user:bad")]), DiffCase(path: "/auth/a.txt", headers: [("Authorization", "Basic")]),
    DiffCase(path: "/", headers: [("Host", "a.wild.test")]), DiffCase(path: "/", headers: [("Host", "A.Wild.Test:1234")]),
    DiffCase(path: "/x", headers: [("Host", "abc.re.test")]), DiffCase(path: "/", headers: [("Host", "wild.test")]),
    DiffCase(path: "/", headers: [("Host", "unknown.test")]), DiffCase(path: "/", version: "HTTP/1.0"),
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct StaticRoutingDifferentialTests {
    @Test(arguments: routingCorpus)
    func swhostRoutesAsNginxDoes(_ c: DiffCase) throws {
        let ours = try routingSwhost.get()
        let theirs = try routingNginx.get()
        func send(_ server: E2EServer) throws -> [String] {
            let client = try server.client()
            defer { client.close() }
            var headers = c.headers
            if c.version == "HTTP/1.0", !headers.contains(where: { $0.0 == "Host" }) {
                // HTTP/1.0 without Host: send the request line alone.
                try client.send("\(c.method) \(c.path) HTTP/1.0\r\n\r\n")
                return try summary(client.readResponse(isHEAD: c.method == "HEAD"), port: server.port, software: server.software, isHead: c.method == "HEAD")
            }
            if headers.isEmpty { headers = [] }
            let r = try client.request(method: c.method, path: c.path, version: c.version, headers: headers,
                                       body: ["POST", "PUT"].contains(c.method) ? [] : nil)
            var lines = try summary(r, port: server.port, software: server.software, isHead: c.method == "HEAD")
            lines.append("X-Server: \(r.header("X-Server") ?? "-") X-Img: \(r.header("X-Img") ?? "-") X-Loc: \(r.header("X-Loc") ?? "-") X-Always: \(r.header("X-Always") ?? "-") Expires: \(r.header("Expires") ?? "-")")
            return lines
        }
        let expected = try send(theirs)
        var actual = try send(ours)
        if expected.contains("Content-Length: (stream)") {
            actual = actual.map { $0.hasPrefix("Content-Length: ") ? "Content-Length: (stream)" : $0 }
        }
        #expect(actual == expected)
    }
}
