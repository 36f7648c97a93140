// A running swhost driven by its own command line: the pid file, `-s reopen`, `-s reload` (good
// and broken configurations), `-s quit`, `-s stop`, and a second server on a busy port.

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct CLIServeTests {
    /// A prefix from `CLIConfig` and a server started on it.
    final class Fixture {
        let port: Int
        let prefix: TestPrefix
        let server: RunningServer

        init() throws {
            port = try FreePort.allocate()
            prefix = try CLIConfig.prefix(port: port)
            do {
                server = try RunningServer(prefix: prefix, port: port)
            } catch {
                prefix.cleanup()
                throw error
            }
        }

        /// Stops the server if it still runs and removes the prefix.
        func tearDown() {
            server.stop()
            prefix.cleanup()
        }

        func get(_ path: String) throws -> RawHTTPResponse {
            try RawHTTPClient(port: port).request(path: path, headers: [("Connection", "close")])
        }

        /// `swhost -s SIGNAL` with this prefix's configuration.
        func control(_ signal: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try runSWHost(arguments: ["-s", signal], prefix: prefix)
        }

        var pidFile: String { prefix.read("run/swhost.pid") }

        /// Lines of `logs/error.log` at `level` (nginx format: `DATE TIME [level] PID#TID: message`).
        func errorLogMessages(level: String) -> [String] {
            prefix.read("logs/error.log").split(separator: "\n").compactMap { line in
                let text = String(line)
                guard let range = text.range(of: " [\(level)] ") else { return nil }
                let rest = text[range.upperBound...]
                guard let colon = rest.range(of: ": ") else { return nil }
                return String(rest[colon.upperBound...])
            }
        }
    }

    @Test func pidFileHoldsTheServersPid() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        // The pid is written right after the listeners are bound, so it may trail the port by a moment.
        #expect(eventually(timeout: .seconds(2)) { fixture.pidFile == "\(fixture.server.pid)\n" })
        #expect(try fixture.get("/").bodyString == "v1")
        #expect(eventually {
            fixture.errorLogMessages(level: "notice").contains { matches($0, #"swhost/[0-9.]+ started, pid "# + String(fixture.server.pid)) }
        })
    }

    /// A script may signal as soon as the pid file appears: by then the signals must be handled
    /// (a SIGHUP at its default disposition would kill the server). nginx installs its signal
    /// handlers before it writes the pid file; so does swhost.
    @Test func signalsAreHandledOnceThePidFileExists() throws {
        for _ in 0..<5 {
            let port = try FreePort.allocate()
            let prefix = try CLIConfig.prefix(port: port)
            defer { prefix.cleanup() }
            let child = try ChildProcess(
                executable: SWHostBinary.url.path, arguments: ["-p", prefix.path + "/"], currentDirectory: prefix.path)
            defer { child.terminate(timeout: .seconds(5)) }
            let deadline = ContinuousClock.now + .seconds(20)
            while prefix.read("run/swhost.pid").isEmpty, child.isRunning, ContinuousClock.now < deadline {
                usleep(200)
            }
            kill(child.pid, SIGHUP)
            #expect(eventually { prefix.read("logs/error.log").contains("reconfiguring") }, "error.log:\n\(prefix.read("logs/error.log"))")
            #expect(child.isRunning)
            #expect(child.terminate(timeout: .seconds(5)) == 0)
        }
    }

    @Test func reopenStartsANewAccessLog() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let prefix = fixture.prefix
        #expect(try fixture.get("/before").status == 200)
        #expect(eventually { prefix.read("logs/access.log").contains("\"GET /before HTTP/1.1\" 200 ") })

        try FileManager.default.moveItem(atPath: prefix.path("logs/access.log"), toPath: prefix.path("logs/access.log.1"))
        // Until the reopen, lines go to the renamed file (the descriptor is still open).
        #expect(try fixture.get("/renamed").status == 200)
        #expect(eventually { prefix.read("logs/access.log.1").contains("\"GET /renamed HTTP/1.1\" 200 ") })

        let reopen = try fixture.control("reopen")
        #expect(reopen.status == 0)
        #expect(reopen.stdout == "")
        #expect(reopen.stderr == "")
        // The reopen runs asynchronously after the signal (it opens the new file, then swaps the
        // descriptor): a request racing it may still land in the old file, so requests go on
        // until one lands in the new file.
        #expect(eventually { prefix.exists("logs/access.log") })
        var sent = 0
        let landed = try eventually {
            sent += 1
            guard try fixture.get("/after\(sent)").status == 200 else { return false }
            return eventually(timeout: .seconds(1)) { prefix.read("logs/access.log").contains("/after") }
        }
        #expect(landed)

        let fresh = prefix.read("logs/access.log").split(separator: "\n").map(String.init)
        #expect(fresh.count == 1)
        #expect(fresh.first.map { matches($0, #"127\.0\.0\.1 - - \[[^]]+\] "GET /after[0-9]+ HTTP/1\.1" 200 2 "-" "-""#) } == true)
        let old = prefix.read("logs/access.log.1").split(separator: "\n").map(String.init)
        #expect(old.count == 1 + sent)
        #expect(old.count >= 2 && old[0].contains("GET /before ") && old[1].contains("GET /renamed "))
        #expect(!old.contains { $0.contains("GET /after\(sent) ") })
        #expect(fixture.errorLogMessages(level: "notice").contains("reopening logs"))
    }

    @Test func reloadAppliesAChangedSite() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        #expect(try fixture.get("/").bodyString == "v1")
        try fixture.prefix.write("sites-enabled/site", CLIConfig.site(port: fixture.port, body: "v2"))
        let reload = try fixture.control("reload")
        #expect(reload.status == 0)
        #expect(reload.stdout == "")
        #expect(reload.stderr == "")
        #expect(eventually { (try? fixture.get("/").bodyString) == "v2" })
        // The same process serves the new configuration.
        #expect(fixture.server.isRunning)
        #expect(fixture.pidFile == "\(fixture.server.pid)\n")
    }

    /// A reload with a broken configuration (a SIGHUP sent directly: `swhost -s reload` itself
    /// refuses to signal when the configuration does not load) is logged and changes nothing.
    @Test func reloadWithABrokenConfigurationKeepsServing() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let prefix = fixture.prefix
        try prefix.write("sites-enabled/site", "server {\n    listen 127.0.0.1:\(fixture.port);\n    servr;\n    location / { return 200 \"v2\"; }\n}\n")
        let site = sitePath(prefix, "site")

        let refused = try fixture.control("reload")
        #expect(refused.status == 1)
        #expect(refused.stderr == "swhost: [emerg] unknown directive \"servr\" in \(site):3\n")

        #expect(eventually(timeout: .seconds(2)) { !fixture.pidFile.isEmpty })
        fixture.server.signal(SIGHUP)
        let expected = "unknown directive \"servr\" in \(site):3"
        #expect(eventually { fixture.errorLogMessages(level: "emerg").contains(expected) })
        #expect(try fixture.get("/").bodyString == "v1")
        #expect(fixture.server.isRunning)

        // Fixed again, a reload goes through.
        try prefix.write("sites-enabled/site", CLIConfig.site(port: fixture.port, body: "v3"))
        #expect(try fixture.control("reload").status == 0)
        #expect(eventually { (try? fixture.get("/").bodyString) == "v3" })
    }

    @Test func quitExitsZeroAndRemovesThePidFile() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        #expect(eventually(timeout: .seconds(2)) { fixture.pidFile == "\(fixture.server.pid)\n" })
        let quit = try fixture.control("quit")
        #expect(quit.status == 0)
        #expect(quit.stderr == "")
        #expect(fixture.server.waitForExit(timeout: .seconds(10)))
        #expect(fixture.server.stop() == 0)
        #expect(!fixture.prefix.exists("run/swhost.pid"))
        #expect(!RawHTTPClient.canConnect(port: fixture.port))
        #expect(fixture.errorLogMessages(level: "notice").contains("gracefully shutting down"))
        // And with the server gone, -s finds no pid file.
        let again = try fixture.control("quit")
        #expect(again.status == 1)
        #expect(again.stderr.hasPrefix("swhost: [error] open() \"\(fixture.prefix.path("run/swhost.pid"))\" failed (2: "))
    }

    /// Graceful quit does not wait out `keepalive_timeout` for an idle keep-alive connection:
    /// the connection is closed and the server exits at once.
    @Test func quitClosesIdleKeepAliveConnections() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        let client = try RawHTTPClient(port: fixture.port)
        #expect(try client.request(path: "/").bodyString == "v1")
        #expect(!client.isClosedByPeer(within: .milliseconds(50)))
        let start = ContinuousClock.now
        #expect(try fixture.control("quit").status == 0)
        #expect(client.isClosedByPeer(within: .seconds(5)))
        #expect(fixture.server.waitForExit(timeout: .seconds(5)))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(fixture.server.stop() == 0)
    }

    /// A buffered access log (`buffer=32k flush=1m`, as the repository's config has) loses no
    /// line: the buffer goes to the old file before a reopen, and to the new one before exit.
    @Test(arguments: ["quit", "stop"])
    func bufferedAccessLogIsFlushedOnReopenAndExit(signal: String) throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        // probe.log is unbuffered and written after access.log (config order): once a request's
        // line is in probe.log, its access.log line is in the buffer.
        try prefix.write("etc/swhost.conf", CLIConfig.main().replacingOccurrences(
            of: "access_log logs/access.log;",
            with: "access_log logs/access.log combined buffer=32k flush=1m;\n    access_log logs/probe.log;"))
        let server = try RunningServer(prefix: prefix, port: port)
        defer { server.stop() }

        #expect(try RawHTTPClient(port: port).request(path: "/one").status == 200)
        #expect(eventually { prefix.read("logs/probe.log").contains("\"GET /one HTTP/1.1\" 200 2 ") })
        #expect(prefix.read("logs/access.log") == "")
        try FileManager.default.moveItem(atPath: prefix.path("logs/access.log"), toPath: prefix.path("logs/access.log.1"))
        #expect(try runSWHost(arguments: ["-s", "reopen"], prefix: prefix).status == 0)
        // The new file is opened first, then the buffer goes to the old one.
        #expect(eventually { prefix.read("logs/access.log.1").contains("\"GET /one HTTP/1.1\" 200 2 ") })
        #expect(prefix.exists("logs/access.log"))

        #expect(try RawHTTPClient(port: port).request(path: "/two").status == 200)
        #expect(eventually { prefix.read("logs/probe.log").contains("\"GET /two HTTP/1.1\" 200 2 ") })
        #expect(try runSWHost(arguments: ["-s", signal], prefix: prefix).status == 0)
        #expect(server.waitForExit(timeout: .seconds(10)))
        #expect(server.stop() == 0)
        let fresh = prefix.read("logs/access.log")
        #expect(fresh.split(separator: "\n").count == 1)
        #expect(fresh.contains("\"GET /two HTTP/1.1\" 200 2 "))
        #expect(!prefix.read("logs/access.log.1").contains("/two"))
    }

    @Test func stopExitsZeroAndRemovesThePidFile() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        #expect(eventually(timeout: .seconds(2)) { fixture.pidFile == "\(fixture.server.pid)\n" })
        #expect(try fixture.control("stop").status == 0)
        #expect(fixture.server.waitForExit(timeout: .seconds(10)))
        #expect(fixture.server.stop() == 0)
        #expect(!fixture.prefix.exists("run/swhost.pid"))
    }

    /// Starting with a configuration that does not load, or a pid file that cannot be written:
    /// the `[emerg]` line alone (no "test failed"), exit 1, and the port is not left bound.
    @Test(arguments: ["config", "pid"])
    func startFailures(what: String) throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        let expected: String
        if what == "config" {
            try prefix.write("sites-enabled/site", "server {\n    listen 127.0.0.1:\(port);\n    servr;\n}\n")
            expected = "swhost: [emerg] unknown directive \"servr\" in \(sitePath(prefix, "site")):3\n"
        } else {
            try prefix.write("etc/swhost.conf", CLIConfig.main().replacingOccurrences(of: "pid run/swhost.pid;", with: "pid run/missing/swhost.pid;"))
            expected = "swhost: [emerg] open() \"\(prefix.path("run/missing/swhost.pid"))\" failed (2: No such file or directory)\n"
        }
        let result = try runSWHost(arguments: [], prefix: prefix, timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == expected)
        #expect(!RawHTTPClient.canConnect(port: port))
    }

    /// A second server on a port the first holds fails to bind, exits 1, and leaves the first
    /// one's pid file and service alone.
    @Test func secondServerOnTheSamePortFails() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        #expect(eventually(timeout: .seconds(2)) { fixture.pidFile == "\(fixture.server.pid)\n" })
        let second = try TestPrefix(name: "swhost-cli-second")
        defer { second.cleanup() }
        try second.write("etc/swhost.conf", CLIConfig.main())
        try second.write("sites-enabled/site", CLIConfig.site(port: fixture.port, body: "second"))
        let result = try runSWHost(arguments: [], prefix: second, timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [emerg] bind() to 127.0.0.1:\(fixture.port) failed (98: Address already in use)\n")
        #expect(!second.exists("run/swhost.pid"))
        #expect(fixture.pidFile == "\(fixture.server.pid)\n")
        #expect(try fixture.get("/").bodyString == "v1")
    }

    /// The same when the pid file is shared: a failed start must not clobber or remove it.
    @Test func failedStartKeepsTheRunningServersPidFile() throws {
        let fixture = try Fixture()
        defer { fixture.tearDown() }
        #expect(eventually(timeout: .seconds(2)) { fixture.pidFile == "\(fixture.server.pid)\n" })
        let result = try runSWHost(arguments: [], prefix: fixture.prefix, timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.stderr == "swhost: [emerg] bind() to 127.0.0.1:\(fixture.port) failed (98: Address already in use)\n")
        #expect(fixture.pidFile == "\(fixture.server.pid)\n")
        #expect(try fixture.control("reload").status == 0)
        #expect(fixture.server.isRunning)
    }
}
