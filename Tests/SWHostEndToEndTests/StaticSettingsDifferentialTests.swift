// End-to-end, differential: settings inheritance (add_header replacement, types, default_type,
// index, expires) and `if` blocks that change settings inside a location, swhost against nginx
// 1.22 with the same config. Skipped when nginx is not installed.

import Foundation
import SWHostTesting
import Testing

private let settingsConfig = """
    add_header X-Level http;
    server {
        listen 127.0.0.1:{PORT};
        server_name localhost;
        root www;
        add_header X-Level server;
        default_type text/x-server-default;
        location / { }
        location /inherit/ { }
        location /replace/ { add_header X-Other other; }
        location /types/ { types { text/x-special txt; } }
        location /deft/ { default_type text/x-loc-default; }
        location /ifroot/ {
            if ($arg_alt) { root alt; }
        }
        location /ifhdr/ {
            if ($arg_h) { add_header X-If if-header; }
            add_header X-Loc loc-header;
        }
        location /ifexp/ {
            if ($arg_e) { expires 1h; }
        }
        location /iferr/ {
            if ($arg_x) { error_page 404 =200 /ep.html; }
        }
        location /idxs/ { index a.html b.html; }
        location /ajsonp/ { autoindex on; autoindex_format jsonp; }
    }
    """

private let settingsFiles: [String: String] = [
    "www/f.txt": "root file\n", "www/noext": "no extension\n", "www/inherit/f.txt": "inherit\n",
    "www/replace/f.txt": "replace\n", "www/types/f.txt": "types\n", "www/types/f.html": "<p>types html</p>\n",
    "www/deft/f.unknownext": "deft\n", "www/ifroot/f.txt": "main root\n", "alt/ifroot/f.txt": "alt root\n",
    "www/ifhdr/f.txt": "ifhdr\n", "www/ifexp/f.txt": "ifexp\n", "www/ep.html": "<p>ep</p>\n",
    "www/idxs/b.html": "second index\n", "www/ajsonp/one.txt": "1",
]

private let settingsSwhost = SharedServer {
    try E2EServer(name: "diff7-swhost", http: settingsConfig, files: settingsFiles, nginx: false, setup: fixAllMtimes)
}
private let settingsNginx = SharedServer {
    try E2EServer(name: "diff7-nginx", http: settingsConfig, files: settingsFiles, nginx: true, setup: fixAllMtimes)
}

/// Fixed mtimes under the whole prefix's `www` and `alt`.
private func fixAllMtimes(_ prefix: TestPrefix) throws {
    let date = Date(timeIntervalSince1970: 1_650_000_000)
    let fm = FileManager.default
    for dir in ["www", "alt"] {
        let root = prefix.url.appendingPathComponent(dir)
        for item in (fm.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []) + [""] {
            try fm.setAttributes([.modificationDate: date], ofItemAtPath: root.appendingPathComponent(item).path)
        }
    }
}

private let settingsCorpus: [DiffCase] = [
    DiffCase(path: "/f.txt"), DiffCase(path: "/inherit/f.txt"), DiffCase(path: "/replace/f.txt"),
    // (Files whose extension has no type are sniffed by swhost's `mime_sniff on`, by design, so
    // the corpus leaves them out; StaticMIMETests covers them.)
    DiffCase(path: "/types/f.txt"),
    DiffCase(path: "/ifroot/f.txt"), DiffCase(path: "/ifroot/f.txt?alt=1"),
    DiffCase(path: "/ifhdr/f.txt"), DiffCase(path: "/ifhdr/f.txt?h=1"),
    DiffCase(path: "/ifexp/f.txt"), DiffCase(path: "/iferr/missing"), DiffCase(path: "/iferr/missing?x=1"),
    DiffCase(path: "/idxs/"), DiffCase(path: "/ajsonp/?callback=cb"), DiffCase(path: "/ajsonp/"),
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct StaticSettingsDifferentialTests {
    @Test(arguments: settingsCorpus)
    func swhostInheritsAsNginxDoes(_ c: DiffCase) throws {
        try expectSameAnswer(c, swhost: settingsSwhost, nginx: settingsNginx, extra: { r in
            [["X-Level", "X-Other", "X-If", "X-Loc"].map { "\($0): \(r.headers.values($0))" }.joined(separator: " "),
             "Expires set: \(r.header("Expires") != nil)"]
        })
    }
}
