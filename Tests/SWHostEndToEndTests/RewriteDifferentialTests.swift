// End-to-end, differential: the rewrite module (server-level rewrites and if, set, captures,
// return forms, rewrite chains and flags) and location edge cases, swhost against nginx 1.22 with
// the same config. Skipped when nginx is not installed.

import Foundation
import SWHostTesting
import Testing

private let rewriteConfig = """
    server {
        listen 127.0.0.1:{PORT};
        server_name localhost;
        root www;
        error_page 404 /404.html;
        if ($http_x_block) { return 403; }
        set $srv "server-set";
        rewrite ^/legacy/(.*)\\.php$ /modern/$1 permanent;
        rewrite ^/srvlast/(.*)$ /v?w=$1 last;
        location / { try_files $uri $uri/ =404; }
        location = /v { return 200 "v uri=$uri args=$args w=$arg_w srv=$srv\\n"; }
        location = /dir/ { return 200 "exact dir\\n"; }
        location /r301 { return 301; }
        location /r302txt { return 302 "/relative"; }
        location /r307 { return 307 https://secure.example/x; }
        location /r204 { return 204; }
        location /r500 { return 500 "custom 500\\n"; }
        location /r418 { return 418 "teapot\\n"; }
        location /caps/ {
            rewrite "^/caps/(\\d{2})(\\d{2})/(.+)$" /v?y=$1&m=$2&f=$3 last;
            rewrite ^/caps/(?<name>[a-z]+)$ /v?name=$name;
            return 200 "caps fell through $uri\\n";
        }
        location /setcap/ {
            if ($uri ~ ^/setcap/(\\w+)-(\\w+)$) { set $pair "$2+$1"; }
            return 200 "pair=$pair\\n";
        }
        location /chain/ {
            rewrite ^/chain/a$ /chain/b;
            rewrite ^/chain/b$ /chain/c;
            rewrite ^/chain/c$ /v?chain=done;
        }
        location /brk/ {
            rewrite ^ /v?from=brk break;
            return 200 "after break $uri $args\\n";
        }
        location /ifs/ {
            if (-f $request_filename) { return 200 "file exists\\n"; }
            if (-d $request_filename) { return 200 "dir exists\\n"; }
            if (!-e $request_filename) { return 200 "nothing there\\n"; }
            return 200 "other\\n";
        }
        location /ifre/ {
            if ($http_user_agent ~* "(curl|wget)") { return 200 "tool $1\\n"; }
            if ($args ~ "^id=(\\d+)$") { return 200 "id $1\\n"; }
            return 200 "plain\\n";
        }
        location /nested/ {
            location ~ ^/nested/(.+)\\.json$ { return 200 "json $1\\n"; }
            location /nested/inner { return 200 "inner $uri\\n"; }
            return 200 "nested $uri\\n";
        }
        location ~ /regex-first/ { return 200 "regex wins\\n"; }
        location /regex-first/ { return 200 "prefix\\n"; }
        location = /404.html { internal; }
        location ~ /\\. { deny all; }
        location /slash/ { rewrite ^/(.*)/$ /$1 permanent; return 200 "no slash $uri\\n"; }
        location /https { return 301 https://$host$request_uri; }
        location /spa/ { try_files $uri $uri/ /spa/index.html; }
        location ^~ /stop/ { return 200 "stop prefix\\n"; }
        location ~ ^/stop/ { return 200 "regex\\n"; }
    }
    """

private let rewriteFiles: [String: String] = [
    "www/404.html": "custom not found page\n",
    "www/ifs/f.txt": "f", "www/ifs/d/x": "x",
    "www/dir/index.html": "dir index\n",
    "www/.hidden": "hidden\n", "www/spa/index.html": "<p>spa shell</p>\n", "www/spa/app.js": "js();\n",
]

private let rewriteSwhost = SharedServer {
    try E2EServer(name: "diff6-swhost", http: rewriteConfig, files: rewriteFiles, nginx: false, setup: fixMtimes)
}
private let rewriteNginx = SharedServer {
    try E2EServer(name: "diff6-nginx", http: rewriteConfig, files: rewriteFiles, nginx: true, setup: fixMtimes)
}

private let rewriteCorpus: [DiffCase] = [
    DiffCase(path: "/legacy/page.php?x=1"), DiffCase(path: "/srvlast/abc?k=1"), DiffCase(path: "/v"),
    DiffCase(path: "/v", headers: [("X-Block", "1")]), DiffCase(path: "/dir/"), DiffCase(path: "/dir"),
    DiffCase(path: "/r301"), DiffCase(path: "/r302txt"), DiffCase(path: "/r307"), DiffCase(path: "/r204"),
    DiffCase(path: "/r500"), DiffCase(path: "/r418"), DiffCase(method: "HEAD", path: "/r418"),
    DiffCase(path: "/caps/2024/report.pdf"), DiffCase(path: "/caps/alice"), DiffCase(path: "/caps/Alice"),
    DiffCase(path: "/setcap/left-right"), DiffCase(path: "/setcap/none"),
    DiffCase(path: "/chain/a"), DiffCase(path: "/chain/x"), DiffCase(path: "/brk/x?orig=1"),
    DiffCase(path: "/ifs/f.txt"), DiffCase(path: "/ifs/d"), DiffCase(path: "/ifs/none"),
    DiffCase(path: "/ifre/", headers: [("User-Agent", "Wget/1.0")]), DiffCase(path: "/ifre/?id=42"), DiffCase(path: "/ifre/?id=x"),
    DiffCase(path: "/nested/a.json"), DiffCase(path: "/nested/inner/b"), DiffCase(path: "/nested/c"),
    DiffCase(path: "/regex-first/x"), DiffCase(path: "/stop/x"), DiffCase(path: "/nowhere"),
    DiffCase(path: "/404.html"), DiffCase(path: "/.hidden"), DiffCase(path: "/dir/.git/config"),
    DiffCase(path: "/slash/a/b/?q=1"), DiffCase(path: "/slash/a"), DiffCase(path: "/https/x?y=1", headers: [("Host", "Site.Test")]),
    DiffCase(path: "/spa/deep/route?x=1"), DiffCase(path: "/spa/app.js"), DiffCase(path: "/spa/"),
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct RewriteDifferentialTests {
    @Test(arguments: rewriteCorpus)
    func swhostRewritesAsNginxDoes(_ c: DiffCase) throws {
        try expectSameAnswer(c, swhost: rewriteSwhost, nginx: rewriteNginx)
    }
}
