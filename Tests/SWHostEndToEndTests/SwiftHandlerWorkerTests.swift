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
}
