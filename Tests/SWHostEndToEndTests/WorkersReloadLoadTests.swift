// The reload loop under load: keep-alive clients requesting continuously across reloads must see
// no failed or truncated response; connections closed between requests are counted apart.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Counters shared by the load threads.
private final class LoadTally: @unchecked Sendable {
    // @unchecked: every field is read and written under `lock`.
    private let lock = NSLock()
    private var stopFlag = false
    var ok = 0
    var failed = 0
    var closedBetween = 0
    var failures: [String] = []
    var lastBodies: [Int: String] = [:]

    var stopped: Bool { lock.withLock { stopFlag } }
    func stop() { lock.withLock { stopFlag = true } }
    func update(_ body: (LoadTally) -> Void) { lock.withLock { body(self) } }
}

extension WorkersTests {
    @Test func reloadLoopUnderKeepAliveLoadLosesNoResponse() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }

        var reloadTimes: [Double] = []
        let reloads = 20
        let summary = KeepAliveLoad.run(port: port, clients: 4) {
            for version in 2...(reloads + 1) {
                usleep(300_000)
                _ = try? prefix.write("sites-enabled/site", WorkersConfig.site(port: port, body: "v\(version)"))
                let start = ContinuousClock.now
                server.signal(SIGHUP)
                let served = eventually(timeout: .seconds(10)) { fetchBody(port: port) == "v\(version)" }
                #expect(served, "generation serving v\(version) never answered")
                let elapsed = ContinuousClock.now - start
                reloadTimes.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            usleep(300_000)
        }
        let times = reloadTimes.map { String(format: "%.0f", $0) }.joined(separator: ",")
        print("reload loop: \(reloads) reloads, ok=\(summary.ok) failed=\(summary.failed) closedBetween=\(summary.closedBetween) reload-ms=[\(times)]")
        try? "ok=\(summary.ok) failed=\(summary.failed) closedBetween=\(summary.closedBetween) reload-ms=[\(times)]\n"
            .write(toFile: "/tmp/swhost-workers-reload-loop.txt", atomically: true, encoding: .utf8)
        #expect(summary.failed == 0, "failures: \(summary.failures.prefix(5))")
        #expect(summary.ok > 200)
        #expect(summary.lastBodies.values.allSatisfy { $0 == "v\(reloads + 1)" }, "\(summary.lastBodies)")
        // Old generations are gone: exactly the configured pool remains.
        #expect(eventually { ProcessTable.children(of: server.pid).count == 2 })
    }
}

/// Keep-alive clients requesting `/` continuously while `during` runs.
enum KeepAliveLoad {
    struct Summary {
        var ok: Int
        var failed: Int
        var closedBetween: Int
        var failures: [String]
        var lastBodies: [Int: String]
    }

    static func run(port: Int, clients: Int, during: () -> Void) -> Summary {
        let tally = LoadTally()
        let done = DispatchGroup()
        for id in 0..<clients {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                clientLoop(id: id, port: port, tally: tally)
            }
        }
        during()
        tally.stop()
        done.wait()
        var summary = Summary(ok: 0, failed: 0, closedBetween: 0, failures: [], lastBodies: [:])
        tally.update { summary = Summary(ok: $0.ok, failed: $0.failed, closedBetween: $0.closedBetween, failures: $0.failures, lastBodies: $0.lastBodies) }
        return summary
    }

    private static func clientLoop(id: Int, port: Int, tally: LoadTally) {
        var client: RawHTTPClient? = nil
        while !tally.stopped {
            if client == nil { client = try? RawHTTPClient(port: port) }
            guard let connection = client else {
                tally.update { $0.failed += 1; $0.failures.append("connect failed") }
                usleep(10_000)
                continue
            }
            do {
                let response = try connection.request(path: "/")
                let body = response.bodyString
                if response.status == 200, body.hasPrefix("v"), Int(body.dropFirst()) != nil {
                    tally.update { $0.ok += 1; $0.lastBodies[id] = body }
                } else {
                    tally.update { $0.failed += 1; $0.failures.append("status \(response.status) body \(body)") }
                }
                if response.headers["Connection"]?.lowercased() == "close" {
                    connection.close()
                    client = nil
                }
            } catch {
                // Nothing of a response arrived: the server closed the idle connection
                // between requests, which a client may retry. Anything else is a failure.
                let partial = !connection.bufferedBytes.isEmpty
                tally.update {
                    if partial {
                        $0.failed += 1
                        $0.failures.append("\(error)")
                    } else {
                        $0.closedBetween += 1
                    }
                }
                connection.close()
                client = nil
            }
        }
        client?.close()
    }
}

extension WorkersTests {
    /// gunicorn's `max_requests`: a worker past its limit is replaced on its slot, gracefully,
    /// while keep-alive clients go on without a failed response.
    @Test func workerMaxRequestsRecyclesWithoutFailedRequests() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", WorkersConfig.main(workers: 2) + "worker_max_requests 300;\nworker_max_requests_jitter 50;\n")
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        let first = ProcessTable.children(of: server.pid)
        let summary = KeepAliveLoad.run(port: port, clients: 4) {
            _ = eventually(timeout: .seconds(20)) {
                prefix.read("logs/error.log").components(separatedBy: "reached worker_max_requests, replacing").count > 3
            }
        }
        print("max requests: ok=\(summary.ok) failed=\(summary.failed) closedBetween=\(summary.closedBetween)")
        #expect(summary.failed == 0, "failures: \(summary.failures.prefix(5))")
        #expect(prefix.read("logs/error.log").components(separatedBy: "reached worker_max_requests, replacing").count > 3)
        #expect(eventually {
            let now = ProcessTable.children(of: server.pid)
            return now.count == 2 && now.isDisjoint(with: first)
        })
    }
}
