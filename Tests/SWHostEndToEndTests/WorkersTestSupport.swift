// Helpers of the master/worker end-to-end tests: a prefix with a pool config, the master's
// children from /proc, and polling for asynchronous outcomes.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

enum WorkersConfig {
    static func main(workers: Int, shutdownTimeout: String? = nil) -> String {
        """
        worker_processes \(workers);
        pid run/swhost.pid;
        error_log logs/error.log notice;
        \(shutdownTimeout.map { "worker_shutdown_timeout \($0);" } ?? "")

        events {
            worker_connections 256;
        }

        http {
            default_type application/octet-stream;
            access_log logs/access.log;
            keepalive_requests 1000000;
            include ../sites-enabled/*;
        }

        """
    }

    static func site(port: Int, body: String) -> String {
        """
        server {
            listen 127.0.0.1:\(port);
            server_name localhost;
            location / {
                return 200 "\(body)";
            }
            location /files/ {
                root www;
            }
        }

        """
    }

    /// A prefix with `main(workers:)` and one site answering `body` on `/`.
    static func prefix(port: Int, workers: Int, body: String = "v1", shutdownTimeout: String? = nil) throws -> TestPrefix {
        let prefix = try TestPrefix(name: "swhost-workers")
        try prefix.write("etc/swhost.conf", main(workers: workers, shutdownTimeout: shutdownTimeout))
        try prefix.write("sites-enabled/site", site(port: port, body: body))
        try FileManager.default.createDirectory(atPath: prefix.path("run"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: prefix.path("www/files"), withIntermediateDirectories: true)
        return prefix
    }
}

enum ProcessTable {
    /// Live (not zombie) children of `parent`, from /proc/PID/stat.
    static func children(of parent: pid_t) -> Set<pid_t> {
        var result: Set<pid_t> = []
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", pid_t(fields[1]) == parent else { continue }
            result.insert(pid)
        }
        return result
    }
}

extension ProcessTable {
    /// True once `pid` has an epoll descriptor (its NIO event loop started).
    static func hasEventLoop(_ pid: pid_t) -> Bool {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) == "anon_inode:[eventpoll]" }
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns the last result.
@discardableResult
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

/// One GET on a new connection; nil when it failed.
func fetchBody(port: Int, path: String = "/") -> String? {
    guard let client = try? RawHTTPClient(port: port) else { return nil }
    defer { client.close() }
    guard let response = try? client.request(path: path), response.status == 200 else { return nil }
    return response.bodyString
}

/// Starts a master for the prefix and waits until it serves and has `workers` children.
func startPool(prefix: TestPrefix, port: Int, workers: Int) throws -> RunningServer {
    let server = try RunningServer(prefix: prefix, port: port)
    // A worker has read its configuration once its event loop exists (an epoll descriptor),
    // so a test may rewrite the files from then on.
    let ready = eventually {
        let children = ProcessTable.children(of: server.pid)
        return children.count == workers && children.allSatisfy(ProcessTable.hasEventLoop)
    }
    #expect(ready, "expected \(workers) workers, have \(ProcessTable.children(of: server.pid).count); stderr: \(server.stderrOutput)")
    return server
}
