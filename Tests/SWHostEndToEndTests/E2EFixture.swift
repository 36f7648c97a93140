// Shared helpers for the end-to-end suites: a real `swhost` started on 127.0.0.1 with a generated
// config in a temporary prefix, one server per suite (started on first use, stopped at exit).

import CZlib
import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A running swhost over a generated prefix. `{PORT}` in the config is replaced with the port.
final class E2EServer: @unchecked Sendable {
    // @unchecked: every property is set in init and only read afterwards; the suites using one
    // server are `.serialized`.
    let prefix: TestPrefix
    let port: Int
    /// A second free port, for configs that use `{PORT2}`.
    let port2: Int
    let server: RunningServer

    /// Writes `files` (relative to the prefix), then `etc/swhost.conf` with `http` as the body of
    /// the `http {}` block (`{PORT}` and `{PREFIX}` substituted), and starts the server.
    init(name: String, http: String, files: [String: String] = [:], binaryFiles: [String: Data] = [:],
         main: String = "", nginx: Bool = E2EServer.againstNginx,
         setup: (TestPrefix) throws -> Void = { _ in }) throws {
        prefix = try TestPrefix(name: "e2e-\(name)")
        // A server that does not come up leaves no prefix behind.
        let created = prefix
        var started = false
        defer { if !started { created.cleanup() } }
        port = try FreePort.allocate()
        var second = try FreePort.allocate()
        while second == port { second = try FreePort.allocate() }
        port2 = second
        for (path, text) in files { try prefix.write(path, text) }
        for (path, data) in binaryFiles { try prefix.write(path, data) }
        try setup(prefix)
        let body = http.replacingOccurrences(of: "{PORT}", with: String(port))
            .replacingOccurrences(of: "{PORT2}", with: String(port2))
            .replacingOccurrences(of: "{PREFIX}", with: prefix.path)
        let config = """
            worker_processes 1;
            pid run/swhost.pid;
            error_log logs/error.log info;
            \(main)
            events { worker_connections 256; }
            http {
                include mime.types;
                default_type application/octet-stream;
                access_log off;
                server_tokens off;
            \(body)
            }

            """
        try prefix.write("etc/swhost.conf", config)
        isNginx = nginx
        if nginx {
            // Checking the expectations themselves: the same config served by nginx 1.22.
            server = try RunningServer(
                executable: URL(fileURLWithPath: "/usr/sbin/nginx"),
                arguments: ["-p", prefix.path + "/", "-c", "etc/swhost.conf", "-g", "daemon off;"],
                currentDirectory: prefix.url, port: port)
        } else {
            server = try RunningServer(prefix: prefix, port: port)
        }
        started = true
        E2ERegistry.register(self)
    }

    /// `SWHOST_E2E_NGINX=1` runs the suites against nginx instead of swhost (swhost-only
    /// directives then fail to start; that is expected).
    static let againstNginx = ProcessInfo.processInfo.environment["SWHOST_E2E_NGINX"] == "1"

    /// The `Server` header value expected for this run.
    var software: String { isNginx ? "nginx" : "swhost" }
    /// This instance runs nginx.
    let isNginx: Bool
    /// nginx is installed (for the differential suite).
    static var nginxInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") }

    /// A fresh connection.
    func client(timeout: Duration = .seconds(5), port: Int? = nil) throws -> RawHTTPClient {
        try RawHTTPClient(port: port ?? self.port, readTimeout: timeout)
    }

    /// One request on its own connection.
    func request(_ method: String = "GET", _ path: String, version: String = "HTTP/1.1",
                 host: String? = nil, headers: [(String, String)] = [], body: [UInt8]? = nil,
                 port: Int? = nil) throws -> RawHTTPResponse {
        let c = try client(port: port)
        defer { c.close() }
        var all = headers
        if let host { all.insert(("Host", host), at: 0) }
        return try c.request(method: method, path: path, version: version, headers: all, body: body)
    }

    func get(_ path: String, host: String? = nil, _ headers: [(String, String)] = []) throws -> RawHTTPResponse {
        try request("GET", path, host: host, headers: headers)
    }

    /// The server's error log so far.
    var errorLog: String { prefix.read("logs/error.log") }

    /// The ETag nginx sends for a file: `"<mtime hex>-<size hex>"`.
    func etag(of relative: String) throws -> String {
        let (mtime, size) = try fileStat(relative)
        return "\"\(String(mtime, radix: 16))-\(String(size, radix: 16))\""
    }

    /// The file's mtime (seconds) and size.
    func fileStat(_ relative: String) throws -> (mtime: Int64, size: Int64) {
        let attributes = try FileManager.default.attributesOfItem(atPath: prefix.path(relative))
        guard let date = attributes[.modificationDate] as? Date, let size = attributes[.size] as? NSNumber else {
            throw E2EError("stat \(relative)")
        }
        return (Int64(date.timeIntervalSince1970.rounded(.down)), size.int64Value)
    }

    /// An IMF-fixdate (RFC 9110 §5.6.7) for `seconds` since the epoch.
    static func httpDate(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &tmv)
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func stop() {
        server.stop()
        prefix.cleanup()
    }
}

/// Servers started by suites, stopped when the test process exits.
enum E2ERegistry {
    nonisolated(unsafe) private static var servers: [E2EServer] = []
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    static func register(_ server: E2EServer) {
        lock.lock()
        defer { lock.unlock() }
        servers.append(server)
        if !installed {
            installed = true
            atexit { E2ERegistry.stopAll() }
        }
    }

    static func stopAll() {
        lock.lock()
        let all = servers
        servers = []
        lock.unlock()
        for s in all { s.stop() }
    }
}

/// Lazily started, shared per suite: `static let shared = SharedServer { try E2EServer(...) }`.
final class SharedServer: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value: Result<E2EServer, any Error>?
    private let make: () throws -> E2EServer

    init(_ make: @escaping () throws -> E2EServer) { self.make = make }

    func get() throws -> E2EServer {
        lock.lock()
        defer { lock.unlock() }
        if value == nil { value = Result { try make() } }
        return try value!.get()
    }
}

extension RawHTTPResponse {
    func header(_ name: String) -> String? { headers[name] }
}

struct E2EError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Runs curl with `arguments`; returns its stdout (as bytes via a temp file) and exit status.
func curl(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try runProcess(executable: URL(fileURLWithPath: "/usr/bin/curl"), arguments: ["-s"] + arguments)
}

/// Deterministic pseudo-random bytes (so failures reproduce).
func patternBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var x = seed
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        out[i] = UInt8(truncatingIfNeeded: x)
    }
    return out
}

/// Compressible text (for gzip tests).
func textBytes(_ count: Int) -> String {
    var s = ""
    var i = 0
    while s.utf8.count < count {
        s += "line \(i) of the quick brown fox jumps over the lazy dog\n"
        i += 1
    }
    return String(s.utf8.prefix(count))!
}
