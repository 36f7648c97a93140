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

        let tally = LoadTally()
        let clients = 4
        let done = DispatchGroup()
        for id in 0..<clients {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
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

        var reloadTimes: [Double] = []
        let reloads = 8
        for version in 2...(reloads + 1) {
            usleep(300_000)
            try prefix.write("sites-enabled/site", WorkersConfig.site(port: port, body: "v\(version)"))
            let start = ContinuousClock.now
            server.signal(SIGHUP)
            let served = eventually(timeout: .seconds(10)) { fetchBody(port: port) == "v\(version)" }
            #expect(served, "generation serving v\(version) never answered")
            let elapsed = ContinuousClock.now - start
            reloadTimes.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        usleep(300_000)
        tally.stop()
        done.wait()

        let summary = tally.lock_summary()
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

extension LoadTally {
    fileprivate func lock_summary() -> (ok: Int, failed: Int, closedBetween: Int, failures: [String], lastBodies: [Int: String]) {
        var result: (Int, Int, Int, [String], [Int: String]) = (0, 0, 0, [], [:])
        update { result = ($0.ok, $0.failed, $0.closedBetween, $0.failures, $0.lastBodies) }
        return result
    }
}
