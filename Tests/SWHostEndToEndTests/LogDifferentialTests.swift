// End-to-end, differential: the same requests through swhost and nginx 1.22 with the same
// log_format (default and escape=json); the access-log lines must be identical. Skipped when
// nginx is not installed.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let logConfig = """
    log_format plain '$request|$status|$uri|$args|$is_args|$remote_user|$http_referer|$http_user_agent|$request_method|$server_protocol|$host|$server_name|$server_port|$document_root|$request_filename|$arg_q|$cookie_c|$sent_http_content_type|$http_x_missing|$request_length|$request_completion|$proxy_add_x_forwarded_for';
    log_format json escape=json '{"r":"$request","s":$status,"ua":"$http_user_agent","u":"$remote_user","a":"$args"}';
    server {
        listen 127.0.0.1:{PORT};
        server_name log.test;
        root www;
        access_log logs/plain.log plain;
        access_log logs/json.log json;
        location / { }
        location /auth/ { auth_basic "x"; auth_basic_user_file htpasswd; }
        location = /ret { return 200 "ok\\n"; }
        location /rw/ { rewrite ^/rw/(.*)$ /ret?from=$1 last; }
    }
    """

private func logSetup(_ prefix: TestPrefix) throws {
    try prefix.write("etc/htpasswd", "user:$apr1$saltsalt$x78Y39ym2RjUNQHTLgwHz/\n")
}

private let logSwhost = SharedServer {
    try E2EServer(name: "diff4-swhost", http: logConfig, files: ["www/a.txt": "aaa\n", "www/auth/s.txt": "s\n"], nginx: false, setup: logSetup)
}
private let logNginx = SharedServer {
    try E2EServer(name: "diff4-nginx", http: logConfig, files: ["www/a.txt": "aaa\n", "www/auth/s.txt": "s\n"], nginx: true, setup: logSetup)
}

private let requests: [(String, [(String, String)])] = [
    ("/a.txt?q=1&x=%20y", [("User-Agent", "agent \"quoted\" \\ back"), ("Referer", "http://r/"), ("Cookie", "a=1; c=two")]),
    ("/missing", [("X-Forwarded-For", "203.0.113.7, 198.51.100.2")]),
    ("/ret", [("User-Agent", "tab\there \u{e9}")]),
    ("/rw/z?k=v", []),
    ("/auth/s.txt", [("Authorization", "Basic " + Data("user:pw".utf8).base64EncodedString())]),
    ("/auth/s.txt", [("Authorization", "Basic " + Data("user:bad".utf8).base64EncodedString())]),
    ("/", []),
]

@Suite(.serialized, .enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"))
struct LogDifferentialTests {
    @Test(arguments: ["plain", "json"])
    func accessLogLinesMatchNginx(format: String) throws {
        let ours = try logSwhost.get()
        let theirs = try logNginx.get()
        let marker = UUID().uuidString
        func count(_ server: E2EServer) -> Int {
            server.prefix.read("logs/\(format).log").split(separator: "\n").count
        }
        let before = [count(ours), count(theirs)]
        for server in [ours, theirs] {
            for (path, headers) in requests {
                let c = try server.client()
                _ = try c.request(path: path, headers: [("Host", "log.test"), ("X-Marker", marker)] + headers)
                c.close()
            }
        }
        func lines(_ server: E2EServer, after: Int) -> [String] {
            var result: [String] = []
            let deadline = ContinuousClock.now + .seconds(3)
            repeat {
                result = server.prefix.read("logs/\(format).log").split(separator: "\n").map(String.init)
                if result.count >= after + requests.count { break }
                usleep(50_000)
            } while ContinuousClock.now < deadline
            return result.suffix(requests.count).map {
                $0.replacingOccurrences(of: server.prefix.path, with: "PREFIX")
                    .replacingOccurrences(of: String(server.port), with: "PORT")
            }
        }
        let expected = lines(theirs, after: before[1])
        let actual = lines(ours, after: before[0])
        #expect(actual.count == requests.count)
        for (a, e) in zip(actual, expected) {
            #expect(a == e)
        }
    }
}
