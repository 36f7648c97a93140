// Shared setup of the gateway end-to-end suites: a prefix with the CGI fixture scripts under
// `www/`, a server config with CGI, FastCGI and git locations, and the real peers (php-fpm,
// fcgiwrap, git-http-backend). A missing peer fails the test: install them with
// `scripts/install-deps --test`.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

enum GatewayPeers {
    static let python = "/usr/bin/python3"
    static let phpFPM = ["/usr/sbin/php-fpm8.2", "/usr/sbin/php-fpm"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/php-fpm"
    static let fcgiwrap = "/usr/sbin/fcgiwrap"
    static let gitHTTPBackend = "/usr/lib/git-core/git-http-backend"
    static let git = "/usr/bin/git"

    /// `Fixtures/gateway` in the test bundle.
    static let fixtures: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "/nonexistent" }
        return url.resolvingSymlinksInPath().appendingPathComponent("gateway").path
    }()
}

/// A running swhost with the gateway locations, and whichever peers a test started.
final class GatewayFixture {
    let port: Int
    let prefix: TestPrefix
    private(set) var server: RunningServer!
    private var peers: [Process] = []

    /// `extraServer`: more directives inside the server block.
    init(extraServer: String = "", extraHTTP: String = "", startPeers: (GatewayFixture) throws -> Void = { _ in }) throws {
        port = try FreePort.allocate()
        prefix = try TestPrefix(name: "swhost-gateway")
        do {
            try FileManager.default.createDirectory(atPath: prefix.path("www/cgi-bin"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: prefix.path("run"), withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: GatewayPeers.fixtures) {
                let target = name.hasSuffix(".php") ? prefix.path("www/" + name) : prefix.path("www/cgi-bin/" + name)
                try FileManager.default.copyItem(atPath: GatewayPeers.fixtures + "/" + name, toPath: target)
                chmod(target, name.hasSuffix(".php") ? 0o644 : 0o755)
            }
            try prefix.write("etc/swhost.conf", CLIConfig.main(errorLogLevel: "info"))
            try prefix.write("sites-enabled/site", """
                \(extraHTTP)
                server {
                    listen 127.0.0.1:\(port);
                    server_name localhost;
                    root www;
                    location /cgi-bin/ {
                        cgi on;
                        cgi_interpreter .py \(GatewayPeers.python);
                        cgi_read_timeout 2s;
                        client_max_body_size 20m;
                    }
                    location ~ \\.php$ {
                        fastcgi_pass unix:\(prefix.path("run/php.sock"));
                        include /etc/nginx/fastcgi_params;
                        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                        fastcgi_read_timeout 2s;
                    }
                    location /wrapped/ {
                        fastcgi_pass unix:\(prefix.path("run/fcgiwrap.sock"));
                        include /etc/nginx/fastcgi_params;
                        fastcgi_split_path_info ^(/wrapped)(/.+)$;
                        fastcgi_param SCRIPT_FILENAME $document_root/cgi-bin$fastcgi_path_info;
                        fastcgi_param SCRIPT_NAME /cgi-bin$fastcgi_path_info;
                    }
                    location /git/ {
                        cgi_pass \(GatewayPeers.gitHTTPBackend);
                        cgi_param GIT_PROJECT_ROOT \(prefix.path("repos"));
                        cgi_param GIT_HTTP_EXPORT_ALL 1;
                        client_max_body_size 50m;
                    }
                    \(extraServer)
                }

                """)
            try startPeers(self)
            server = try RunningServer(prefix: prefix, port: port)
        } catch {
            tearDown()
            throw error
        }
    }

    /// Starts `executable` in the background until `tearDown` and waits for `socket` to appear.
    func startPeer(_ executable: String, _ arguments: [String], socket: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: executable), "peer \(executable) is not installed (scripts/install-deps --test)")
        let process = Process()
        // Foundation starts the child as a process-group leader: the workers it forks share the
        // group and tearDown kills them as one (fcgiwrap's parent does not stop its children on SIGTERM).
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let log = prefix.path("logs/peer-\(URL(fileURLWithPath: executable).lastPathComponent).log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        peers.append(process)
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: socket) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw PeerStartError(description: "\(executable) did not create \(socket): " + prefix.read("logs/peer-\(URL(fileURLWithPath: executable).lastPathComponent).log"))
            }
            usleep(20_000)
        }
    }

    /// php-fpm with a pool of its own on `run/php.sock`.
    func startPHPFPM() throws {
        let config = try prefix.write("etc/php-fpm.conf", """
            [global]
            error_log = \(prefix.path("logs/php-fpm.log"))
            daemonize = no
            pid = \(prefix.path("run/php-fpm.pid"))

            [swhost-test]
            user = root
            group = root
            listen = \(prefix.path("run/php.sock"))
            pm = static
            pm.max_children = 2
            catch_workers_output = yes
            php_admin_value[max_execution_time] = 0

            """)
        try startPeer(GatewayPeers.phpFPM, ["-n", "-R", "-F", "-y", config, "-d", "upload_max_filesize=10M", "-d", "post_max_size=10M"],
                      socket: prefix.path("run/php.sock"))
    }

    func startFcgiwrap() throws {
        try startPeer(GatewayPeers.fcgiwrap, ["-c", "2", "-s", "unix:" + prefix.path("run/fcgiwrap.sock")], socket: prefix.path("run/fcgiwrap.sock"))
    }

    func tearDown() {
        server?.stop()
        for peer in peers where peer.isRunning {
            if kill(-peer.processIdentifier, SIGKILL) != 0 { kill(peer.processIdentifier, SIGKILL) }
            peer.waitUntilExit()
        }
        prefix.cleanup()
    }

    func client(timeout: Duration = .seconds(10)) throws -> RawHTTPClient {
        try RawHTTPClient(port: port, readTimeout: timeout)
    }

    func get(_ path: String, headers: [(String, String)] = []) throws -> RawHTTPResponse {
        try client().request(path: path, headers: headers + [("Connection", "close")])
    }

    var errorLog: String { prefix.read("logs/error.log") }
}

struct PeerStartError: Error, CustomStringConvertible {
    var description: String
}
