// End-to-end tests of the master/worker process model through the real binary: the pool,
// respawn, reload generations (also under load), graceful stop, log reopen, TTIN/TTOU.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct WorkersTests {
    @Test func workersRunAsChildrenAndPidFileNamesTheMaster() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 3)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 3)
        defer { server.stop() }
        let children = ProcessTable.children(of: server.pid)
        #expect(children.count == 3)
        for pid in children {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            #expect(comm == "swhost: worker\n")
        }
        #expect(prefix.read("run/swhost.pid") == "\(server.pid)\n")
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v1") }
        let log = prefix.read("logs/error.log")
        for pid in children { #expect(log.contains("start worker process \(pid)")) }
    }

    @Test func secondMasterOnTheSamePortFailsWithBindError() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        let second = try runSWHost(arguments: ["-c", "etc/swhost.conf"], prefix: prefix)
        #expect(second.status == 1)
        #expect(second.stderr.contains("[emerg] bind() to 127.0.0.1:\(port) failed (98: Address already in use)"))
        // The running master's pid file and service are untouched.
        #expect(prefix.read("run/swhost.pid") == "\(server.pid)\n")
        #expect(fetchBody(port: port) == "v1")
    }

    @Test func killedWorkerIsReplacedAndThePoolSizeRestored() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        let before = ProcessTable.children(of: server.pid)
        let victim = before.min()!
        kill(victim, SIGKILL)
        let killedAt = ContinuousClock.now
        let replaced = eventually(timeout: .seconds(5)) {
            let now = ProcessTable.children(of: server.pid)
            return now.count == 2 && !now.contains(victim)
        }
        #expect(replaced)
        #expect(ContinuousClock.now - killedAt < .seconds(2))
        #expect(eventually { prefix.read("logs/error.log").contains("worker process \(victim) exited on signal 9") })
        for _ in 0..<40 { #expect(fetchBody(port: port) == "v1") }
    }

    @Test func reloadServesNewContentAndOldWorkersExit() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        let old = ProcessTable.children(of: server.pid)
        try prefix.write("sites-enabled/site", WorkersConfig.site(port: port, body: "v2"))
        server.signal(SIGHUP)
        #expect(eventually { fetchBody(port: port) == "v2" })
        #expect(eventually {
            let now = ProcessTable.children(of: server.pid)
            return now.count == 2 && now.isDisjoint(with: old)
        })
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v2") }
        #expect(prefix.read("logs/error.log").contains("reconfiguring: generation 2, 2 worker processes; changed: localhost [127.0.0.1:\(port)]\n"))
    }

    @Test func brokenReloadKeepsTheOldWorkersServing() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        let old = ProcessTable.children(of: server.pid)
        try prefix.write("sites-enabled/site", "server {\n    listen 127.0.0.1:\(port);\n    no_such_directive on;\n}\n")
        server.signal(SIGHUP)
        // The include is spelled relative to etc/, as nginx prints it: etc/../sites-enabled/site.
        #expect(eventually { prefix.read("logs/error.log").contains("[emerg] ") })
        let log = prefix.read("logs/error.log")
        #expect(log.contains("unknown directive \"no_such_directive\" in /") && log.contains("sites-enabled/site:3\n"), "\(log)")
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v1") }
        #expect(ProcessTable.children(of: server.pid) == old)
    }

    @Test func ttinAndTtouChangeTheWorkerCount() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        server.signal(SIGTTIN)
        #expect(eventually { ProcessTable.children(of: server.pid).count == 3 })
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v1") }
        server.signal(SIGTTOU)
        #expect(eventually { ProcessTable.children(of: server.pid).count == 2 })
        server.signal(SIGTTOU)
        #expect(eventually { ProcessTable.children(of: server.pid).count == 1 })
        // Never below one.
        server.signal(SIGTTOU)
        usleep(300_000)
        #expect(ProcessTable.children(of: server.pid).count == 1)
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v1") }
    }

    @Test func usr1RecreatesARenamedAccessLog() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        #expect(fetchBody(port: port, path: "/before") == "v1")
        #expect(eventually { prefix.read("logs/access.log").contains("/before") })
        try FileManager.default.moveItem(atPath: prefix.path("logs/access.log"), toPath: prefix.path("logs/access.log.1"))
        server.signal(SIGUSR1)
        #expect(eventually { prefix.read("logs/error.log").contains("reopening logs") })
        // Every worker has reopened once a request to each lands in the new file; ask a few times.
        #expect(eventually {
            _ = fetchBody(port: port, path: "/after")
            return prefix.read("logs/access.log").contains("/after")
        })
        #expect(!prefix.read("logs/access.log.1").contains("/after") || prefix.read("logs/access.log").contains("/after"))
    }

    @Test func quitDuringASlowDownloadCompletesItThenTheMasterExitsZero() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let size = 50 * 1024 * 1024
        _ = try prefix.write("www/files/big.bin", Data(repeating: 0x61, count: size))
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        let output = prefix.path("logs/curl.out")
        let curl = try ChildProcess(
            executable: "/usr/bin/curl",
            arguments: ["-s", "-o", prefix.path("logs/big.out"), "-w", "%{http_code} %{size_download}", "--limit-rate", "20M",
                        "http://127.0.0.1:\(port)/files/big.bin"],
            stdoutPath: output, stderrPath: prefix.path("logs/curl.err")
        )
        // Let the download start, then ask for a graceful stop.
        #expect(eventually { (try? FileManager.default.attributesOfItem(atPath: prefix.path("logs/big.out"))[.size] as? Int).map { $0 > 1_000_000 } ?? false })
        server.signal(SIGQUIT)
        #expect(curl.wait(timeout: .seconds(30)) == 0)
        #expect(prefix.read("logs/curl.out") == "200 \(size)")
        #expect(server.child.wait(timeout: .seconds(10)) == 0)
        #expect(!prefix.exists("run/swhost.pid"))
    }
}

extension WorkersTests {
    /// Workers compile their generation's configuration as the master validated it: a worker
    /// respawned after the files were broken on disk (no reload yet) still serves.
    @Test func workerRespawnedAfterTheFilesBrokeServesItsGeneration() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        try prefix.write("sites-enabled/site", "server {\n    listen 127.0.0.1:\(port);\n    broken\n")
        let victim = ProcessTable.children(of: server.pid).min()!
        kill(victim, SIGKILL)
        #expect(eventually {
            let now = ProcessTable.children(of: server.pid)
            return now.count == 2 && !now.contains(victim) && now.allSatisfy(ProcessTable.hasEventLoop)
        })
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v1") }
        #expect(!prefix.read("logs/error.log").contains("[emerg]"))
    }
}

extension WorkersTests {
    /// `worker_timeout`: a worker whose event loop stops (here: SIGSTOP) is killed and replaced.
    @Test func stuckWorkerIsKilledAfterWorkerTimeout() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", WorkersConfig.main(workers: 2) + "worker_timeout 1s;\n")
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        // Healthy workers beat: nobody is killed while idle past the timeout.
        usleep(1_500_000)
        #expect(!prefix.read("logs/error.log").contains("worker_timeout"))
        let victim = ProcessTable.children(of: server.pid).min()!
        kill(victim, SIGSTOP)
        #expect(eventually(timeout: .seconds(6)) {
            let now = ProcessTable.children(of: server.pid)
            return now.count == 2 && !now.contains(victim)
        })
        let log = prefix.read("logs/error.log")
        #expect(log.contains("worker process \(victim) has not answered for "))
        #expect(log.contains("worker process \(victim) exited on signal 9"))
        #expect(eventually { ProcessTable.children(of: server.pid).allSatisfy(ProcessTable.hasEventLoop) })
        for _ in 0..<20 { #expect(fetchBody(port: port) == "v1") }
    }
}

extension WorkersTests {
    /// `user`: workers started by a root master run as that user; the master stays root.
    @Test(.enabled(if: geteuid() == 0 && getpwnam("nobody") != nil && getgrnam("nogroup") != nil))
    func workersDropToTheConfiguredUser() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", "user nobody nogroup;\n" + WorkersConfig.main(workers: 2))
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }
        func ids(_ pid: pid_t) -> (uid: String, gid: String) {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let field = { (name: String) in
                status.split(separator: "\n").first { $0.hasPrefix(name) }.map { String($0.split(separator: "\t")[1]) } ?? "?"
            }
            return (field("Uid:"), field("Gid:"))
        }
        // An unprivileged worker serves: TCP_NODELAY is set at TCP level (it was once SO_DEBUG,
        // which needs CAP_NET_ADMIN, and every accepted connection was closed).
        #expect(fetchBody(port: port) == "v1")
        for pid in ProcessTable.children(of: server.pid) {
            #expect(ids(pid).uid == "65534")
            #expect(ids(pid).gid == "65534")
        }
        #expect(ids(server.pid).uid == "0")
    }
}

extension WorkersTests {
    /// `swhost -s reload` waits for the master's verdict: 0 once the new generation started, 1
    /// with the master's `[emerg]` line when the master refused it (here: an added listener
    /// whose port another process holds, which the CLI's own validation cannot see).
    @Test func signalReloadReportsTheMastersOutcome() throws {
        let port = try FreePort.allocate()
        let busyPort = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 2)
        defer { prefix.cleanup() }
        let server = try startPool(prefix: prefix, port: port, workers: 2)
        defer { server.stop() }

        try prefix.write("sites-enabled/site", WorkersConfig.site(port: port, body: "v2"))
        let ok = try runSWHost(arguments: ["-c", "etc/swhost.conf", "-s", "reload"], prefix: prefix)
        #expect(ok.status == 0)
        #expect(ok.stderr == "")
        #expect(eventually { fetchBody(port: port) == "v2" })

        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(busyPort).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(bound == 0 && listen(holder, 4) == 0)
        try prefix.write("sites-enabled/site", WorkersConfig.site(port: port, body: "v3")
            + WorkersConfig.site(port: busyPort, body: "other").replacingOccurrences(of: "server_name localhost;", with: "server_name other;"))
        let refused = try runSWHost(arguments: ["-c", "etc/swhost.conf", "-s", "reload"], prefix: prefix)
        #expect(refused.status == 1)
        #expect(refused.stderr == "swhost: [emerg] bind() to 127.0.0.1:\(busyPort) failed (98: Address already in use)\n")
        #expect(fetchBody(port: port) == "v2")
        #expect(prefix.exists("run/swhost.pid.reload"))
    }
}

extension WorkersTests {
    /// A pid file left by a dead master does not stop a new start; it is replaced once the
    /// listeners are up.
    @Test func stalePidFileDoesNotStopAStart() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 1)
        defer { prefix.cleanup() }
        try prefix.write("run/swhost.pid", "999999\n")
        let server = try startPool(prefix: prefix, port: port, workers: 1)
        defer { server.stop() }
        #expect(eventually { prefix.read("run/swhost.pid") == "\(server.pid)\n" })
        #expect(fetchBody(port: port) == "v1")
    }
}

extension WorkersTests {
    /// `worker_shutdown_timeout`: a graceful stop does not wait longer than that for a slow
    /// download; the worker is killed and the master exits 0.
    @Test func workerShutdownTimeoutBoundsAGracefulStop() throws {
        let port = try FreePort.allocate()
        let prefix = try WorkersConfig.prefix(port: port, workers: 1, shutdownTimeout: "1s")
        defer { prefix.cleanup() }
        _ = try prefix.write("www/files/big.bin", Data(repeating: 0x62, count: 20 * 1024 * 1024))
        let server = try startPool(prefix: prefix, port: port, workers: 1)
        defer { server.stop() }
        let curl = try ChildProcess(
            executable: "/usr/bin/curl",
            arguments: ["-s", "-o", prefix.path("logs/big.out"), "--limit-rate", "2M", "http://127.0.0.1:\(port)/files/big.bin"],
            stdoutPath: prefix.path("logs/curl.out"), stderrPath: prefix.path("logs/curl.err")
        )
        #expect(eventually { (try? FileManager.default.attributesOfItem(atPath: prefix.path("logs/big.out"))[.size] as? Int).map { $0 > 100_000 } ?? false })
        let start = ContinuousClock.now
        server.signal(SIGQUIT)
        #expect(server.child.wait(timeout: .seconds(8)) == 0)
        #expect(ContinuousClock.now - start < .seconds(5))
        // The download was cut short (curl 18: partial file).
        #expect(curl.wait(timeout: .seconds(10)) == 18)
        #expect(prefix.read("logs/error.log").contains("did not exit in time, killing it"))
    }
}
