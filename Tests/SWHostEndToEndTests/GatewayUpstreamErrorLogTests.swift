// The error-log line of a FastCGI upstream that cannot be reached, as nginx 1.22 writes it
// (ngx_event_connect_peer: `connect() to unix:PATH failed (ERRNO: TEXT) while connecting to
// upstream`, [crit] unless the connection was refused, then the request context with
// `upstream: "fastcgi://unix:PATH:"`): pinned, and compared with nginx's own line.

import Foundation
import SWHostTesting
import Testing

private let upstreamConfig = """
    server {
        listen 127.0.0.1:{PORT};
        server_name upstream.test;
        root www;
        location /missing/ { fastcgi_pass unix:{PREFIX}/run/missing.sock; include /etc/nginx/fastcgi_params; }
        location /refused/ { fastcgi_pass unix:{PREFIX}/run/plain.sock; include /etc/nginx/fastcgi_params; }
    }
    """

/// A regular file where a socket is expected: connect() is refused (ECONNREFUSED). Writable
/// by all: nginx's worker runs as nobody, and connect() needs write permission on the file.
private func upstreamSetup(_ prefix: TestPrefix) throws {
    let path = try prefix.write("run/plain.sock", "not a socket\n")
    chmod(path, 0o666)
}

@Suite(.serialized) struct GatewayUpstreamErrorLogTests {
    /// The error-log line that mentions `needle`, without its time, pid#tid and `*N ` prefix:
    /// `[level] message, client: ...`.
    static func line(_ server: E2EServer, containing needle: String) -> String? {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let line = server.errorLog.split(separator: "\n").last(where: { $0.contains(needle) }) {
                guard let open = line.firstIndex(of: "["), let star = line.range(of: ": *") else { return String(line) }
                let level = line[open...line[open...].firstIndex(of: "]")!]
                let afterStar = line[star.upperBound...]
                let message = afterStar.drop { $0 != " " }.dropFirst()
                return "\(level) \(message)"
                    .replacingOccurrences(of: server.prefix.path, with: "{PREFIX}")
                    .replacingOccurrences(of: ":\(server.port)", with: ":{PORT}")
            }
            usleep(20_000)
        }
        return nil
    }

    @Test func aMissingSocketIsLoggedAsNginxLogsIt() throws {
        let server = try E2EServer(name: "upstream-log", http: upstreamConfig, nginx: false, setup: upstreamSetup)
        defer { server.stop() }
        #expect(try server.get("/missing/x.php?a=1", host: "upstream.test:8080").status == 502)
        let line = Self.line(server, containing: "missing.sock")
        #expect(line == """
            [crit] connect() to unix:{PREFIX}/run/missing.sock failed (2: No such file or directory) while connecting \
            to upstream, client: 127.0.0.1, server: upstream.test, request: "GET /missing/x.php?a=1 HTTP/1.1", \
            upstream: "fastcgi://unix:{PREFIX}/run/missing.sock:", host: "upstream.test:8080"
            """)
    }

    @Test func aRefusedConnectionIsAnErrorNotCritical() throws {
        let server = try E2EServer(name: "upstream-log", http: upstreamConfig, nginx: false, setup: upstreamSetup)
        defer { server.stop() }
        #expect(try server.get("/refused/y", host: "upstream.test").status == 502)
        let line = Self.line(server, containing: "plain.sock")
        #expect(line == """
            [error] connect() to unix:{PREFIX}/run/plain.sock failed (111: Connection refused) while connecting \
            to upstream, client: 127.0.0.1, server: upstream.test, request: "GET /refused/y HTTP/1.1", \
            upstream: "fastcgi://unix:{PREFIX}/run/plain.sock:", host: "upstream.test"
            """)
    }

    /// The same requests through nginx 1.22 give the same lines.
    @Test(.enabled(if: E2EServer.nginxInstalled && !E2EServer.againstNginx, "needs nginx 1.22"),
          arguments: [("/missing/x.php?a=1", "missing.sock"), ("/refused/y", "plain.sock")])
    func theLinesMatchNginx(path: String, socket: String) throws {
        let ours = try E2EServer(name: "upstream-log-swhost", http: upstreamConfig, nginx: false, setup: upstreamSetup)
        defer { ours.stop() }
        let theirs = try E2EServer(name: "upstream-log-nginx", http: upstreamConfig, nginx: true, setup: upstreamSetup)
        defer { theirs.stop() }
        #expect(try ours.get(path, host: "upstream.test").status == 502)
        #expect(try theirs.get(path, host: "upstream.test").status == 502)
        let expected = try #require(Self.line(theirs, containing: socket))
        #expect(Self.line(ours, containing: socket) == expected)
    }
}
