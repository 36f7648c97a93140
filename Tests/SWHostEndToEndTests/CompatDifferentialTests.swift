// End-to-end, differential: nginx core directives an existing site file may carry, swhost against
// nginx 1.22 with the same config: redirect composition (absolute_redirect, port_in_redirect,
// server_name_in_redirect), `satisfy any|all`, and tuning knobs swhost accepts without effect.
// Skipped when nginx is not installed.

import Foundation
import SWHostTesting
import Testing

private let compatConfig = """
    server {
        listen 127.0.0.1:{PORT};
        server_name localhost primary.test;
        root www;
        # Tuning knobs both servers must accept.
        sendfile_max_chunk 512k; output_buffers 2 32k; postpone_output 1460; directio off; aio off;
        read_ahead 0; send_lowat 0; subrequest_output_buffer_size 8k; log_subrequest off;
        msie_padding on; msie_refresh off; keepalive_disable msie6; resolver_timeout 5s;
        lingering_close on; lingering_time 30s; lingering_timeout 5s; keepalive_time 1h;
        location /rel/ { absolute_redirect off; }
        location = /rel/ret { absolute_redirect off; return 301 /target; }
        location /noport/ { port_in_redirect off; }
        location = /noport/ret { port_in_redirect off; return 302 /target; }
        location /srvname/ { server_name_in_redirect on; }
        location = /srvname/ret { server_name_in_redirect on; return 301 /target; }
        location = /default/ret { return 301 /target; }
        location /any-allow/ { satisfy any; allow 127.0.0.1; deny all; auth_basic "r"; auth_basic_user_file htpasswd; }
        location /any-deny/ { satisfy any; deny all; auth_basic "r"; auth_basic_user_file htpasswd; }
        location /any-noauth/ { satisfy any; deny all; }
        location /any-norules/ { satisfy any; auth_basic "r"; auth_basic_user_file htpasswd; }
        location /all-allow/ { satisfy all; allow 127.0.0.1; deny all; auth_basic "r"; auth_basic_user_file htpasswd; }
        location /gz/ {
            gzip on; gzip_vary on;
            location /gz/any/ { gzip_proxied any; }
            location /gz/auth/ { gzip_proxied auth; }
            location /gz/expired/ { gzip_proxied expired; expires epoch; }
            location /gz/fresh/ { gzip_proxied expired; expires 1h; }
            location /gz/nocache/ { gzip_proxied no-cache; add_header Cache-Control "no-cache"; }
            location /gz/public/ { gzip_proxied no-cache private; add_header Cache-Control "public"; }
            location /gz/nolm/ { gzip_proxied no_last_modified; }
            location /gz/noetag/ { gzip_proxied no_etag; etag off; }
        }
    }
    """

private let compatFiles: [String: String] = [
    "www/rel/d/index.html": "rel\n", "www/noport/d/index.html": "noport\n", "www/srvname/d/index.html": "srvname\n",
    "www/any-allow/f.txt": "any-allow\n", "www/any-deny/f.txt": "any-deny\n", "www/any-noauth/f.txt": "any-noauth\n",
    "www/any-norules/f.txt": "any-norules\n", "www/all-allow/f.txt": "all-allow\n",
].merging(["off", "any", "auth", "expired", "fresh", "nocache", "public", "nolm", "noetag"].map {
    ("www/gz/\($0)/page.html", String(repeating: "<p>compressible text for \($0)</p>\n", count: 20))
}) { a, _ in a }

private func compatSetup(_ prefix: TestPrefix) throws {
    try fixMtimes(prefix)
    // {SHA}: base64(SHA-1("compat-pw")).
    try prefix.write("etc/htpasswd", "compat:{SHA}c4h7c5B6TdTGt9+s03faHP37Vc4=\n")
}

private let compatSwhost = SharedServer {
    try E2EServer(name: "compat-swhost", http: compatConfig, files: compatFiles, nginx: false, setup: compatSetup)
}
private let compatNginx = SharedServer {
    try E2EServer(name: "compat-nginx", http: compatConfig, files: compatFiles, nginx: true, setup: compatSetup)
}

private let good = ("Authorization", "Basic Y29tcGF0OmNvbXBhdC1wdw==")
private let bad = ("Authorization", "Basic Y29tcGF0Ondyb25n")
private let otherHost = ("Host", "other.test")
private let via = ("Via", "1.1 proxy.example")
private let gzip = ("Accept-Encoding", "gzip")

private let compatCorpus: [DiffCase] = [
    DiffCase(path: "/rel/d"), DiffCase(path: "/rel/d?x=1"), DiffCase(path: "/rel/ret"),
    DiffCase(path: "/noport/d"), DiffCase(path: "/noport/ret"),
    DiffCase(path: "/srvname/d", headers: [otherHost]), DiffCase(path: "/srvname/ret", headers: [otherHost]),
    DiffCase(path: "/default/ret", headers: [otherHost]),
    DiffCase(path: "/any-allow/f.txt"), DiffCase(path: "/any-allow/f.txt", headers: [bad]),
    DiffCase(path: "/any-deny/f.txt"), DiffCase(path: "/any-deny/f.txt", headers: [good]),
    DiffCase(path: "/any-deny/f.txt", headers: [bad]),
    DiffCase(path: "/any-noauth/f.txt"), DiffCase(path: "/any-norules/f.txt"),
    DiffCase(path: "/any-norules/f.txt", headers: [good]),
    DiffCase(path: "/all-allow/f.txt"), DiffCase(path: "/all-allow/f.txt", headers: [good]),
    DiffCase(path: "/gz/off/page.html", headers: [gzip]), DiffCase(path: "/gz/off/page.html", headers: [gzip, via]),
    DiffCase(path: "/gz/any/page.html", headers: [gzip, via]),
    DiffCase(path: "/gz/auth/page.html", headers: [gzip, via]), DiffCase(path: "/gz/auth/page.html", headers: [gzip, via, bad]),
    DiffCase(path: "/gz/expired/page.html", headers: [gzip, via]), DiffCase(path: "/gz/fresh/page.html", headers: [gzip, via]),
    DiffCase(path: "/gz/nocache/page.html", headers: [gzip, via]), DiffCase(path: "/gz/public/page.html", headers: [gzip, via]),
    DiffCase(path: "/gz/nolm/page.html", headers: [gzip, via]), DiffCase(path: "/gz/noetag/page.html", headers: [gzip, via]),
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct CompatDifferentialTests {
    @Test(arguments: compatCorpus)
    func swhostAnswersAsNginxDoes(_ c: DiffCase) throws {
        try expectSameAnswer(c, swhost: compatSwhost, nginx: compatNginx)
    }
}
