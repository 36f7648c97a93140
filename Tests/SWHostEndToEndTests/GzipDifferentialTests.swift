// End-to-end, differential: gzip, gzip_static, charset, expires and add_header inheritance,
// swhost against nginx 1.22 with the same config. Skipped when nginx is not installed.

import Foundation
import SWHostTesting
import Testing

private let gzipConfig = """
    gzip on;
    gzip_vary on;
    gzip_min_length 64;
    gzip_types text/plain text/css;
    add_header X-Http http-level;
    server {
        listen 127.0.0.1:{PORT};
        server_name localhost;
        root www;
        location / { }
        location /all/ { gzip_types *; }
        location /cs/ { charset utf-8; }
        location /st/ { gzip_static on; }
        location /stalways/ { gzip_static always; }
        location /min/ { gzip_min_length 200; }
        location /v10/ { gzip_http_version 1.0; }
        location /own/ { add_header X-Own own; }
        location /mod/ { expires modified +1h; }
        location /ai/ { autoindex on; autoindex_exact_size off; }
        location /ret/ { return 200 "returned text that is long enough to be compressed by the gzip filter, surely\\n"; }
        location /e404/ { }
    }
    """

private let long = String(repeating: "compressible text ", count: 20)

private let gzipFiles: [String: String] = [
    "www/t.txt": long, "www/c.css": long, "www/j.js": long, "www/h.html": "<p>" + long + "</p>",
    "www/all/x.bin": long, "www/cs/t.txt": long, "www/cs/h.html": long,
    "www/st/t.txt": "original\n", "www/st/only.txt": long,
    "www/stalways/t.txt": "original always\n",
    "www/min/t.txt": String(long.prefix(150)), "www/min/u.txt": String(repeating: "u", count: 250),
    "www/v10/t.txt": long, "www/own/t.txt": long, "www/mod/t.txt": long,
    "www/ai/big.bin": String(repeating: "b", count: 123_456), "www/ai/small.txt": "s",
]

private func gzipSetup(_ prefix: TestPrefix) throws {
    try prefix.write("www/st/t.txt.gz", Data(try gzipFile(Array("precompressed\n".utf8))))
    try prefix.write("www/stalways/t.txt.gz", Data(try gzipFile(Array("precompressed always\n".utf8))))
    try fixMtimesForGzip(prefix)
}

private func fixMtimesForGzip(_ prefix: TestPrefix) throws {
    let date = Date(timeIntervalSince1970: 1_650_000_000)
    let fm = FileManager.default
    let root = prefix.url.appendingPathComponent("www")
    for item in (fm.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []) + [""] {
        try fm.setAttributes([.modificationDate: date], ofItemAtPath: root.appendingPathComponent(item).path)
    }
}

private let gzipSwhost = SharedServer {
    try E2EServer(name: "diff5-swhost", http: gzipConfig, files: gzipFiles, nginx: false, setup: gzipSetup)
}
private let gzipNginx = SharedServer {
    try E2EServer(name: "diff5-nginx", http: gzipConfig, files: gzipFiles, nginx: true, setup: gzipSetup)
}

private let gzipHeader = ("Accept-Encoding", "gzip")

private let gzipCorpus: [DiffCase] = [
    DiffCase(path: "/t.txt", headers: [gzipHeader]), DiffCase(path: "/c.css", headers: [gzipHeader]),
    DiffCase(path: "/j.js", headers: [gzipHeader]), DiffCase(path: "/h.html", headers: [gzipHeader]),
    DiffCase(path: "/missing", headers: [gzipHeader]), DiffCase(path: "/all/x.bin", headers: [gzipHeader]),
    DiffCase(path: "/cs/t.txt", headers: [gzipHeader]), DiffCase(path: "/cs/h.html"),
    DiffCase(path: "/st/t.txt", headers: [gzipHeader]), DiffCase(path: "/st/t.txt"),
    DiffCase(path: "/st/only.txt", headers: [gzipHeader]), DiffCase(path: "/st/t.txt", headers: [gzipHeader], version: "HTTP/1.0"),
    DiffCase(path: "/st/t.txt", headers: [gzipHeader, ("Range", "bytes=0-3")]),
    DiffCase(path: "/stalways/t.txt"), DiffCase(path: "/stalways/t.txt", headers: [gzipHeader]),
    DiffCase(path: "/min/t.txt", headers: [gzipHeader]), DiffCase(path: "/min/u.txt", headers: [gzipHeader]),
    DiffCase(path: "/v10/t.txt", headers: [gzipHeader], version: "HTTP/1.0"),
    DiffCase(path: "/own/t.txt"), DiffCase(path: "/t.txt"), DiffCase(path: "/missing"),
    DiffCase(path: "/mod/t.txt"), DiffCase(path: "/ai/"), DiffCase(path: "/ai/", headers: [gzipHeader]),
    DiffCase(path: "/ret/", headers: [gzipHeader]), DiffCase(method: "HEAD", path: "/ret/", headers: [gzipHeader]),
    DiffCase(path: "/t.txt", headers: [("Accept-Encoding", "gzip;q=0, *")]),
    DiffCase(path: "/t.txt", headers: [("Accept-Encoding", "identity;q=1, gzip;q=0.5")]),
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct GzipDifferentialTests {
    @Test(arguments: gzipCorpus)
    func swhostCompressesAsNginxDoes(_ c: DiffCase) throws {
        try expectSameAnswer(c, swhost: gzipSwhost, nginx: gzipNginx, extra: { r in
            // expires modified +1h: Last-Modified + 3600 s.
            ["X-Http: \(r.header("X-Http") ?? "-") X-Own: \(r.header("X-Own") ?? "-")"]
                + (c.path.hasPrefix("/mod/") ? ["Expires: \(r.header("Expires") ?? "-")"] : [])
        })
    }
}
