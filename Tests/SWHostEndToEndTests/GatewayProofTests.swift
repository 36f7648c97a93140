// The remaining proofs of the gateway issue against real peers: a 5 MiB multipart upload to PHP,
// a 20 MiB streamed PHP response with bounded server memory, slowloris clients against a small
// CGI process cap, and chunked request bodies spooled rather than held in memory.

import Foundation
import SWHostTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct GatewayProofTests {
    private func withPHP(extraServer: String = "", _ body: (GatewayFixture) throws -> Void) throws {
        let fixture = try GatewayFixture(extraServer: extraServer) { try $0.startPHPFPM() }
        defer { fixture.tearDown() }
        try body(fixture)
    }

    /// `md5sum` of `bytes` (Foundation on Linux has no digest API).
    func md5(_ bytes: [UInt8], scratch: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: scratch))
        let result = try runProcess(executable: URL(fileURLWithPath: "/usr/bin/md5sum"), arguments: [scratch], timeout: .seconds(30))
        return String(result.stdout.prefix(32))
    }

    /// The peak resident size (VmHWM, KiB) of `pid`.
    /// The largest `RssAnon` (KiB) of `pid` sampled every 2 ms while `body` runs, and its value
    /// before. Anonymous memory is what buffering a body would grow; the peak RSS (VmHWM) also
    /// counts code pages that a path touches the first time, several MB on a loaded machine.
    func anonymousPeak(_ pid: pid_t, during body: () throws -> Void) throws -> (before: Int, peak: Int) {
        let before = try #require(Self.anonymousRSS(pid))
        let peak = Mutex(before)
        let running = Mutex(true)
        let sampler = Thread {
            while running.withLock({ $0 }) {
                if let now = Self.anonymousRSS(pid) { peak.withLock { $0 = max($0, now) } }
                usleep(2_000)
            }
        }
        sampler.start()
        defer { running.withLock { $0 = false } }
        try body()
        running.withLock { $0 = false }
        usleep(5_000)
        return (before, peak.withLock { $0 })
    }

    static func anonymousRSS(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }

    /// The server's worker process, once started.
    func workerPID(_ f: GatewayFixture) -> pid_t? {
        var found: pid_t?
        _ = eventually { found = ProcessTable.children(of: f.server.pid).first; return found != nil }
        return found
    }

    @Test func phpReceivesAFiveMebibyteMultipartUploadIntact() throws {
        try withPHP(extraServer: "client_max_body_size 20m;") { f in
            var payload = [UInt8](repeating: 0, count: 5 * 1024 * 1024)
            var seed: UInt32 = 12345
            for i in payload.indices {
                seed = seed &* 1_103_515_245 &+ 12345
                payload[i] = UInt8(truncatingIfNeeded: seed >> 16)
            }
            let boundary = "swhostBoundary7MA4YWxkTrZu0gW"
            var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"f\"; filename=\"blob.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += payload
            body += Array("\r\n--\(boundary)--\r\n".utf8)
            let r = try f.client(timeout: .seconds(30)).request(
                method: "POST", path: "/upload.php",
                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)"), ("Connection", "close")], body: body)
            #expect(r.status == 200)
            let expected = try md5(payload, scratch: f.prefix.path("payload.bin"))
            #expect(r.bodyString.contains("error=0\n"), "\(r.bodyString)")
            #expect(r.bodyString.contains("size=\(payload.count)\n"))
            #expect(r.bodyString.contains("md5=\(expected)\n"))
            #expect(r.bodyString.contains("name=blob.bin\n") && r.bodyString.contains("field=hello\n"))
        }
    }

    @Test func twentyMebibytesOfPHPOutputStreamWithBoundedMemory() throws {
        try withPHP { f in
            let worker = try #require(workerPID(f))
            // Warm up: the first request's allocations (TLS-free here, but caches and pools) count once.
            #expect(try f.get("/info.php").status == 200)
            var response: RawHTTPResponse?
            let (before, peak) = try anonymousPeak(worker) {
                response = try f.client(timeout: .seconds(30)).request(path: "/big.php", headers: [("Connection", "close")])
            }
            let r = try #require(response)
            #expect(r.status == 200)
            let block = Array(String(repeating: "0123456789abcdef", count: 65536).utf8)
            #expect(r.body.count == 20 * block.count)
            var same = r.body.count == 20 * block.count
            if same {
                for i in 0..<20 where Array(r.body[(i * block.count)..<((i + 1) * block.count)]) != block { same = false }
            }
            #expect(same, "the body differs from 20 copies of the block")
            // The whole body (20 MiB) never sits in the worker: its heap grows by far less.
            #expect(peak - before < 8 * 1024, "worker anonymous memory grew by \(peak - before) KiB for a 20 MiB response")
        }
    }

    @Test func aChunkedUploadToCGIIsSpooledNotHeldInMemory() throws {
        let f = try GatewayFixture()
        defer { f.tearDown() }
        let worker = try #require(workerPID(f))
        #expect(try f.get("/cgi-bin/shell.sh").status == 202)
        let chunk = [UInt8](repeating: UInt8(ascii: "c"), count: 64 * 1024)
        let client = try f.client(timeout: .seconds(30))
        var response: RawHTTPResponse?
        let (before, peak) = try anonymousPeak(worker) {
            try client.send("POST /cgi-bin/echo.py HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            for _ in 0..<128 {
                try client.send(String(chunk.count, radix: 16) + "\r\n")
                try client.send(chunk)
                try client.send("\r\n")
            }
            try client.send("0\r\n\r\n")
            response = try client.readResponse()
        }
        let r = try #require(response)
        #expect(r.status == 200)
        // The script read the whole de-chunked body from its stdin.
        #expect(r.headers["X-Length"] == String(128 * chunk.count))
        #expect(r.body.count == 128 * chunk.count && r.body.allSatisfy { $0 == UInt8(ascii: "c") })
        #expect(peak - before < 6 * 1024, "worker anonymous memory grew by \(peak - before) KiB for an 8 MiB chunked upload")
    }

    /// A client that sends a request head announcing a 100-byte body, then one body byte a
    /// second from a thread of its own until `pause`.
    final class Slowloris: @unchecked Sendable {
        // @unchecked: `client` is written to only by the thread until `pause` has joined it.
        let client: RawHTTPClient
        private let lock = NSLock()
        private var sending = true
        private let done = DispatchSemaphore(value: 0)

        init(port: Int, path: String) throws {
            client = try RawHTTPClient(port: port, readTimeout: .seconds(30))
            try client.send("POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n")
            Thread { [self] in
                while lock.withLock({ sending }) {
                    try? client.send("x")
                    usleep(1_000_000)
                }
                done.signal()
            }.start()
        }

        /// Stops sending (the connection stays open) and waits for the thread.
        func pause() {
            lock.withLock { sending = false }
            done.wait()
        }
    }

    @Test func slowlorisClientsCannotPinCGIProcesses() throws {
        let f = try GatewayFixture(extraServer: """
            client_body_timeout 2s;
            location /capped/ {
                # Reads its whole stdin before answering: a script started on a trickling body
                # would hold its process slot for as long as the body takes.
                cgi_pass www/cgi-bin/echo.py;
                cgi_max_processes 2;
                cgi_read_timeout 30s;
            }
            """)
        defer { f.tearDown() }
        let slow = try (0..<3).map { _ in try Slowloris(port: f.port, path: "/capped/upload") }
        defer { for s in slow { s.client.close() } }
        usleep(1_500_000)
        // Three bodies trickle in (a byte a second keeps within client_body_timeout). They are
        // read before any script starts, so both process slots are free for a normal request.
        let start = ContinuousClock.now
        let r = try f.client().request(method: "POST", path: "/capped/now", headers: [("Connection", "close")], body: Array("ping".utf8))
        #expect(r.status == 200 && r.bodyString == "ping")
        #expect(ContinuousClock.now - start < .seconds(1))
        // Once they stall, client_body_timeout cuts each of them.
        for s in slow { s.pause() }
        for s in slow { #expect(s.client.isClosedByPeer(within: .seconds(5))) }
    }
}
