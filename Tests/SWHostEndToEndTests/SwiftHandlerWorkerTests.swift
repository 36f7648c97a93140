// Swift handlers under the master/worker pool, through the real binary: a trapping handler ends
// only its worker (the master replaces it, the error log names the handler and the request);
// the status counters cover every worker; health answers 503 while a worker drains.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A master with `workers` workers, the test handler module loaded, and `server` inside the
/// `localhost` server (plus `extraServers` after it).
final class SwiftHandlerPool {
    let port: Int
    let prefix: TestPrefix
    let server: RunningServer

    init(workers: Int, server body: String, extraServers: String = "") throws {
        port = try FreePort.allocate()
        prefix = try TestPrefix(name: "swhost-swift-pool")
        try FileManager.default.createDirectory(atPath: prefix.path("run"), withIntermediateDirectories: true)
        _ = try prefix.write("etc/swhost.conf", """
            load_module \(try HelloModuleBuild.library("HandlerTestModule"));
            worker_processes \(workers);
            pid run/swhost.pid;
            error_log logs/error.log info;
            events { worker_connections 256; }
            http {
                access_log logs/access.log;
                server {
                    listen 127.0.0.1:\(port);
                    server_name localhost;
                    \(body)
                }
                \(extraServers.replacingOccurrences(of: "PORT", with: String(port)))
            }

            """)
        do {
            server = try startPool(prefix: prefix, port: port, workers: workers)
        } catch {
            prefix.cleanup()
            throw error
        }
    }

    var workers: Set<pid_t> { ProcessTable.children(of: server.pid) }

    func tearDown() {
        server.stop()
        prefix.cleanup()
    }

    var errorLogLines: [String] {
        prefix.read("logs/error.log").split(separator: "\n").map(String.init)
    }

    /// A keep-alive connection and the pid of the worker that holds it (asked with `/pid`).
    func connection() throws -> (client: RawHTTPClient, worker: pid_t) {
        let client = try RawHTTPClient(port: port)
        let r = try client.request(path: "/pid")
        guard r.status == 200, let pid = pid_t(r.bodyString.dropFirst(4).dropLast()) else {
            throw SocketError.malformed("/pid answered \(r.status) \(r.bodyString)")
        }
        return (client, pid)
    }

    /// Keep-alive connections, one to each of two different workers (the kernel spreads
    /// connections over the workers' SO_REUSEPORT sockets by hash, so a few tries do it).
    func connectionsToTwoWorkers() throws -> [(client: RawHTTPClient, worker: pid_t)] {
        var byWorker: [pid_t: (client: RawHTTPClient, worker: pid_t)] = [:]
        for _ in 0..<64 where byWorker.count < 2 {
            let c = try connection()
            if byWorker[c.worker] == nil { byWorker[c.worker] = c } else { c.client.close() }
        }
        return Array(byWorker.values)
    }
}

@Suite(.serialized) struct SwiftHandlerWorkerTests {
    /// nginx's master logs `worker process N exited on signal S`; swhost adds the worker's last
    /// words naming the handler and the request; the slot gets a new worker; a request in flight
    /// on the other worker completes.
    @Test(arguments: ["fatal", "index"])
    func trapEndsOnlyItsWorker(how: String) throws {
        let pool = try SwiftHandlerPool(workers: 2, server: """
            location = /pid { swift_handler test_pid; }
            location = /slow-pid { swift_handler test_pid ms=1500; }
            location = /crash { swift_handler test_crash how=\(how); }
            location = / { return 200 "ok\\n"; }
            """)
        defer { pool.tearDown() }
        let before = pool.workers
        #expect(before.count == 2)
        let connections = try pool.connectionsToTwoWorkers()
        try #require(connections.count == 2, "every connection went to one worker")
        defer { for c in connections { c.client.close() } }
        let (victim, bystander) = (connections[0], connections[1])

        // The bystander's request is in flight (sleeping in its handler) when the victim traps.
        try bystander.client.send("GET /slow-pid HTTP/1.1\r\nHost: localhost\r\n\r\n")
        usleep(200_000)
        try victim.client.send("GET /crash HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(throws: (any Error).self) { _ = try victim.client.readResponse() }
        let slow = try bystander.client.readResponse()
        #expect(slow.status == 200)
        #expect(slow.bodyString == "pid \(bystander.worker)\n")

        // The master's line and the worker's last words.
        #expect(eventually { pool.errorLogLines.contains { $0.contains("[alert] ") && $0.contains(": worker process \(victim.worker) exited on signal ") } },
                "\(pool.errorLogLines.suffix(10))")
        let lastWords = pool.errorLogLines.first { $0.contains("swift_handler \"test_crash\" terminated the worker process on signal ") }
        #expect(lastWords != nil, "\(pool.errorLogLines.suffix(10))")
        if let lastWords {
            #expect(lastWords.contains(" [alert] \(victim.worker)#"))
            #expect(lastWords.contains(", client: 127.0.0.1, server: localhost, request: \"GET /crash HTTP/1.1\", host: \"localhost\""), "\(lastWords)")
        }

        // One worker replaced, the other untouched; new requests succeed.
        #expect(eventually {
            let now = pool.workers
            return now.count == 2 && now.contains(bystander.worker) && !now.contains(victim.worker) && now.allSatisfy(ProcessTable.hasEventLoop)
        })
        for _ in 0..<10 { #expect(fetchBody(port: pool.port) == "ok\n") }
        #expect(try bystander.client.request(path: "/pid").bodyString == "pid \(bystander.worker)\n")
    }

    /// nginx's stub_status counts for the whole server (a shared zone); so does `status`: with
    /// two workers, every request on either counts, per server, and the totals survive a reload.
    @Test func statusCountsEveryWorkerPerServer() throws {
        let pool = try SwiftHandlerPool(workers: 2, server: """
            location = /pid { swift_handler test_pid; }
            location = /status { swift_handler status; }
            location = /missing { return 404; }
            location / { return 200 "a\\n"; }
            """, extraServers: """
            server {
                listen 127.0.0.1:PORT;
                server_name other.example;
                location / { return 200 "b\\n"; }
            }
            """)
        defer { pool.tearDown() }
        // Whatever the start-up probes counted, after both workers have published (every 100 ms).
        usleep(300_000)
        let baseline = try RawHTTPClient(port: pool.port).request(path: "/status", headers: [("Connection", "close")])
        let base = baseline.bodyString.split(separator: "\n")[2].split(separator: " ").map { Int($0)! }
        var expected: [String: (requests: Int, ok: Int, missing: Int)] = ["localhost": (1, 1, 0), "other.example": (0, 0, 0)]
        var workersSeen: Set<pid_t> = []
        var connections = 0
        for round in 0..<8 {
            let (client, worker) = try pool.connection()
            defer { client.close() }
            connections += 1
            workersSeen.insert(worker)
            expected["localhost"]!.requests += 1
            expected["localhost"]!.ok += 1
            for i in 0..<4 {
                let host = (round + i) % 2 == 0 ? "localhost" : "other.example"
                let path = host == "localhost" && i == 3 ? "/missing" : "/x"
                let r = try client.request(path: path, headers: [("Host", host)])
                expected[host]!.requests += 1
                if r.status == 404 { expected[host]!.missing += 1 } else { expected[host]!.ok += 1 }
            }
        }
        try #require(workersSeen.count == 2, "all connections went to one worker")
        // Requests since the baseline (which counted itself), the status request to come included.
        let total = expected.values.reduce(0) { $0 + $1.requests }
        // Workers publish their connection counters every 100 ms; closed connections settle.
        usleep(400_000)

        func line(_ name: String, _ counts: (requests: Int, ok: Int, missing: Int)) -> String {
            "vhost \(name) requests \(counts.requests) 1xx 0 2xx \(counts.ok) 3xx 0 4xx \(counts.missing) 5xx 0 bytes_out "
        }
        let status = try RawHTTPClient(port: pool.port).request(path: "/status", headers: [("Connection", "close")])
        #expect(status.status == 200)
        let lines = status.bodyString.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count == 7, "\(status.bodyString)")
        // accepts handled requests: every connection and request so far, the status one included.
        #expect(lines[2] == " \(base[0] + connections + 1) \(base[1] + connections + 1) \(base[2] + total) ", "\(status.bodyString)")
        #expect(lines[0] == "Active connections: 1 ")
        #expect(lines[3] == "Reading: 0 Writing: 1 Waiting: 0 ")
        #expect(lines[4].hasPrefix(line("localhost", expected["localhost"]!)), "\(status.bodyString)")
        #expect(lines[5].hasPrefix(line("other.example", expected["other.example"]!)), "\(status.bodyString)")
        let bytes = lines.dropFirst(4).prefix(2).map { Int($0.split(separator: " ").last!)! }
        #expect(bytes.allSatisfy { $0 > 0 })

        // JSON, on the other worker as likely as on this one (after the 100 ms publication).
        usleep(300_000)
        expected["localhost"]!.requests += 1
        expected["localhost"]!.ok += 1
        let json = try RawHTTPClient(port: pool.port).request(path: "/status?format=json", headers: [("Connection", "close")])
        #expect(json.headers["Content-Type"] == "application/json")
        #expect(json.bodyString.contains("{\"name\":\"other.example\",\"requests\":\(expected["other.example"]!.requests),\"1xx\":0,\"2xx\":\(expected["other.example"]!.ok),"), "\(json.bodyString)")
        #expect(json.bodyString.contains("\"requests\":\(base[2] + total + 1),"), "\(json.bodyString)")

        // A reload starts new workers on the same region: the totals carry over (nginx keeps them).
        expected["localhost"]!.requests += 1
        expected["localhost"]!.ok += 1
        let old = pool.workers
        pool.server.signal(SIGHUP)
        #expect(eventually { let now = pool.workers; return now.count == 2 && now.isDisjoint(with: old) && now.allSatisfy(ProcessTable.hasEventLoop) })
        usleep(300_000)
        let after = try RawHTTPClient(port: pool.port).request(path: "/status", headers: [("Connection", "close")])
        let afterLines = after.bodyString.split(separator: "\n").map(String.init)
        try #require(afterLines.count == 6, "\(after.bodyString)")
        #expect(afterLines[2] == " \(base[0] + connections + 3) \(base[1] + connections + 3) \(base[2] + total + 2) ", "\(after.bodyString)")
        #expect(afterLines[4].hasPrefix(line("localhost", expected["localhost"]!)), "\(after.bodyString)")
    }

    /// During a graceful stop a worker finishes in-flight requests; a client that still holds an
    /// idle keep-alive connection to it and asks for health within the drain grace gets 503
    /// `draining` with `Connection: close`, so a balancer stops routing to it.
    @Test func healthIs503WhileTheOldWorkerDrains() throws {
        let pool = try SwiftHandlerPool(workers: 1, server: """
            location = /pid { swift_handler test_pid; }
            location = /slow { swift_handler test_pid ms=3000; }
            location = /health { swift_handler health; }
            """)
        defer { pool.tearDown() }
        let (idle, worker) = try pool.connection()
        defer { idle.close() }
        let ready = try idle.request(path: "/health")
        #expect(ready.status == 200)
        #expect(ready.bodyString.hasPrefix("{\"status\":\"ok\""))
        let (busy, _) = try pool.connection()
        defer { busy.close() }
        try busy.send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
        usleep(200_000)

        // Reload: the old worker is told to quit; its slot's next worker starts once it has
        // closed its listeners, i.e. once it is draining.
        pool.server.signal(SIGHUP)
        #expect(eventually(timeout: .seconds(5)) { pool.workers.count == 2 }, "no new worker while the old one drains")
        let draining = try idle.request(path: "/health")
        #expect(draining.status == 503)
        #expect(draining.headers["Connection"] == "close")
        #expect(draining.bodyString.hasPrefix("{\"status\":\"draining\",\"check\":\"readiness\",\"draining\":true"), "\(draining.bodyString)")
        #expect(idle.isClosedByPeer(within: .seconds(2)))
        // The in-flight request still completes on the old worker.
        let slow = try busy.readResponse()
        #expect(slow.status == 200)
        #expect(slow.bodyString == "pid \(worker)\n")
        #expect(eventually { !pool.workers.contains(worker) })
    }
}
