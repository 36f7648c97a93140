// Tests for SWHostTesting: the raw HTTP client, process helpers and the test prefix, against
// `python3 -m http.server` and a canned-bytes socket server of the test's own.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let python = URL(fileURLWithPath: "/usr/bin/env")

/// Starts `python3 -m http.server` serving `directory` on a free port.
private func startPythonServer(directory: URL) throws -> RunningServer {
    let port = try FreePort.allocate()
    return try RunningServer(
        executable: python,
        arguments: ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", directory.path],
        currentDirectory: directory, port: port
    )
}

/// A one-connection server that reads until it has seen `requests` request heads and then
/// writes `reply` (and closes when `closeAfter`).
private final class CannedServer: @unchecked Sendable {
    // @unchecked: `port` and `listener` are set once in init; the accept thread owns the socket after.
    let port: Int
    private let listener: Int32

    init(requests: Int, reply: [UInt8], closeAfter: Bool, holdOpen: Duration = .seconds(3)) throws {
        port = try FreePort.allocate()
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw SocketError.system("bind", errno) }
        let fd = listener
        Thread.detachNewThread {
            let conn = accept(fd, nil, nil)
            guard conn >= 0 else { return }
            var seen: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while Self.countHeads(seen) < requests {
                let n = chunk.withUnsafeMutableBytes { recv(conn, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                seen.append(contentsOf: chunk[..<n])
            }
            _ = reply.withUnsafeBytes { send(conn, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if !closeAfter {
                let (s, _) = holdOpen.components
                sleep(UInt32(s))
            }
            close(conn)
            close(fd)
        }
    }

    static func countHeads(_ bytes: [UInt8]) -> Int {
        var count = 0
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 {
                count += 1
                i += 4
            } else {
                i += 1
            }
        }
        return count
    }
}

@Suite struct RawHTTPClientTests {
    @Test func getAndHeadAgainstPythonHTTPServer() throws {
        let prefix = try TestPrefix()
        defer { prefix.cleanup() }
        let body = String(repeating: "swhost raw client\n", count: 500)
        try prefix.write("www/hello.txt", body)
        let server = try startPythonServer(directory: prefix.url.appendingPathComponent("www"))
        defer { server.stop() }

        let client = try RawHTTPClient(port: server.port)
        let response = try client.request(path: "/hello.txt")
        #expect(response.status == 200)
        #expect(response.reason == "OK")
        #expect(response.framing == .contentLength(body.utf8.count))
        #expect(response.bodyString == body)
        #expect(response.headers["content-length"] == String(body.utf8.count))
        #expect(response.headers["CONTENT-TYPE"] == "text/plain")
        #expect(response.headers.names.first == "Server")
        // http.server answers HTTP/1.0 and closes.
        #expect(client.isClosedByPeer(within: .seconds(2)))

        let head = try RawHTTPClient(port: server.port).request(method: "HEAD", path: "/hello.txt")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.headers["Content-Length"] == String(body.utf8.count))

        let missing = try RawHTTPClient(port: server.port).request(path: "/nope")
        #expect(missing.status == 404)
        #expect(missing.bodyString.contains("404"))

        // SIGTERM reaches the child (its signal mask is clean) and it exits at once.
        let start = ContinuousClock.now
        #expect(server.stop(timeout: .seconds(5)) == 128 + SIGTERM)
        #expect(ContinuousClock.now - start < .seconds(3))
    }

    @Test func signalsReachTheServer() throws {
        let port = try FreePort.allocate()
        let script = """
            import signal, socket, sys
            signal.signal(signal.SIGHUP, lambda *a: sys.exit(42))
            s = socket.socket(); s.bind(("127.0.0.1", \(port))); s.listen(1)
            signal.pause()
            """
        let server = try RunningServer(executable: python, arguments: ["python3", "-c", script], port: port)
        server.signal(SIGHUP)
        #expect(server.waitForExit(timeout: .seconds(5)))
        #expect(server.stop() == 42)
    }

    @Test func pipelinedResponsesWithLengthChunkedAndCloseFraming() throws {
        let reply = Array((
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello"
            + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n0A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nX-Empty: \r\n\r\n"
            + "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close"
        ).utf8)
        let server = try CannedServer(requests: 4, reply: reply, closeAfter: true)
        let client = try RawHTTPClient(port: server.port)
        try client.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\nGET /4 HTTP/1.1\r\nHost: x\r\n\r\n")

        let first = try client.readResponse()
        #expect(first.status == 200)
        #expect(first.bodyString == "hello")
        #expect(first.headers.values("x-a") == ["1", "2"])

        let second = try client.readResponse()
        #expect(second.status == 201)
        #expect(second.reason == "Created")
        #expect(second.framing == .chunked)
        #expect(second.bodyString == "Wiki0123456789")
        #expect(second.trailers["x-trailer"] == "t")

        let third = try client.readResponse()
        #expect(third.status == 204)
        #expect(third.framing == .none)
        #expect(third.headers["X-Empty"] == "")

        let fourth = try client.readResponse()
        #expect(fourth.version == "HTTP/1.0")
        #expect(fourth.framing == .close)
        #expect(fourth.bodyString == "until close")
        #expect(client.isClosedByPeer())
    }

    @Test func headResponseIgnoresContentLength() throws {
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno".utf8)
        let server = try CannedServer(requests: 2, reply: reply, closeAfter: false)
        let client = try RawHTTPClient(port: server.port)
        try client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(isHEAD: true)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        let next = try client.readResponse()
        #expect(next.status == 404)
        #expect(next.bodyString == "no")
        #expect(!client.isClosedByPeer(within: .milliseconds(100)))
    }

    @Test func readTimesOutWhenTheServerIsSilent() throws {
        let server = try CannedServer(requests: 1, reply: [], closeAfter: false)
        let client = try RawHTTPClient(port: server.port, readTimeout: .milliseconds(200))
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let start = ContinuousClock.now
        #expect(throws: SocketError.timedOut) { try client.readResponse() }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func truncatedBodyIsAnError() throws {
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".utf8)
        let server = try CannedServer(requests: 1, reply: reply, closeAfter: true)
        let client = try RawHTTPClient(port: server.port)
        #expect(throws: SocketError.closedByPeer) { try client.request(path: "/") }
    }

    @Test func malformedStatusLineIsAnError() throws {
        let server = try CannedServer(requests: 1, reply: Array("HTTX/1.1 2000 Nope\r\n\r\n".utf8), closeAfter: true)
        let client = try RawHTTPClient(port: server.port)
        #expect(throws: SocketError.self) { try client.request(path: "/") }
    }

    @Test func connectingToAClosedPortFails() throws {
        let port = try FreePort.allocate()
        #expect(!RawHTTPClient.canConnect(port: port))
        #expect(throws: SocketError.system("connect", ECONNREFUSED)) { try RawHTTPClient(port: port) }
    }

    @Test func freePortsAreUsableAndDistinct() throws {
        let a = try FreePort.allocate()
        let b = try FreePort.allocate()
        #expect((1024...65535).contains(a))
        #expect(a != b)
    }

    @Test func runProcessCapturesStatusAndBothStreams() throws {
        let result = try runProcess(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
    }

    @Test func runProcessKillsARunawayChild() throws {
        let start = ContinuousClock.now
        let result = try runProcess(executable: URL(fileURLWithPath: "/bin/sleep"), arguments: ["30"], timeout: .milliseconds(300))
        #expect(result.status == 128 + SIGKILL)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func stopEscalatesToSIGKILLWhenSIGTERMIsIgnored() throws {
        let port = try FreePort.allocate()
        let script = """
            import signal, socket, time
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            s = socket.socket(); s.bind(("127.0.0.1", \(port))); s.listen(1)
            time.sleep(60)
            """
        let server = try RunningServer(executable: python, arguments: ["python3", "-c", script], port: port)
        #expect(server.pid > 0)
        #expect(server.isRunning)
        let status = server.stop(timeout: .milliseconds(300))
        #expect(status == 128 + SIGKILL)
        #expect(!server.isRunning)
    }

    @Test func serverThatExitsEarlyReportsItsStderr() throws {
        let port = try FreePort.allocate()
        #expect(throws: ServerStartError.self) {
            _ = try RunningServer(
                executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "echo 'bad config' >&2; exit 1"], port: port)
        }
    }

    @Test func testPrefixHasTheApplianceLayoutAndCleansUp() throws {
        let prefix = try TestPrefix()
        for dir in ["etc", "sites-enabled", "www", "logs", "run"] {
            var isDir: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: prefix.path(dir), isDirectory: &isDir) && isDir.boolValue)
        }
        #expect(prefix.read("etc/mime.types").contains("text/html"))
        #expect(prefix.read("etc/fastcgi_params").contains("SCRIPT_NAME"))
        let written = try prefix.write("sites-enabled/a/b.conf", "server {}\n")
        #expect(written == prefix.path("sites-enabled/a/b.conf"))
        #expect(prefix.read("sites-enabled/a/b.conf") == "server {}\n")
        prefix.cleanup()
        #expect(!FileManager.default.fileExists(atPath: prefix.path))
    }

    @Test func binaryLocationIsUnderThePackageRoot() {
        #expect(FileManager.default.fileExists(atPath: SWHostBinary.packageRoot.appendingPathComponent("Package.swift").path))
        if ProcessInfo.processInfo.environment["SWHOST_BIN"] == nil {
            #expect(SWHostBinary.url.path.hasPrefix(SWHostBinary.packageRoot.appendingPathComponent(".build").path))
        }
    }
}
