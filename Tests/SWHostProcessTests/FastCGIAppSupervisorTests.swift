// The fastcgi_app supervisor with a shell "app": sockets, environment, restarts, reload, stop.

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SWHostConfig
import SWHostLog
import SWHostProcess
import Testing

@Suite(.serialized) struct FastCGIAppSupervisorTests {
    /// A temporary directory with an error log, removed by `cleanup`.
    final class Sandbox {
        let path: String
        let log: ErrorLog

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("swhost-apps-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            log = ErrorLog(targets: [ErrorLog.Target(file: try LogFile(path: path + "/error.log"), level: .info)])
        }

        var logText: String {
            log.flush()
            return (try? String(contentsOfFile: path + "/error.log", encoding: .utf8)) ?? ""
        }

        func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    }

    /// An app that writes what it got (descriptor 0's type, its environment) to `report.PID`, then
    /// waits for a signal.
    func shellApp(_ box: Sandbox, name: String = "app", processes: Int = 2, env: [(String, String)] = [("FOO", "bar")]) -> FastCGIApp {
        let script = "{ stat -L -c %F /proc/$$/fd/0; env; } > \(box.path)/report.$$; exec sleep 600"
        return FastCGIApp(name: name, command: ["/bin/sh", "-c", script], processes: processes, socket: box.path + "/\(name).sock",
                          environment: env.map { (name: $0.0, value: $0.1) })
    }

    func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Drives the supervisor (reap + tick) until `condition` holds or 5 s pass.
    func drive(_ s: FastCGIAppSupervisor, until condition: () -> Bool) -> Bool {
        let deadline = now() + 5
        while now() < deadline {
            s.reapChildren(now: now())
            s.tick(now: now())
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    func stop(_ s: FastCGIAppSupervisor) {
        s.stopAll(now: now())
        _ = drive(s) { !s.hasProcesses }
    }

    @Test func startsProcessesOnTheSocketWithOnlyTheirEnvironment() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let s = FastCGIAppSupervisor(errorLog: box.log, options: .init(grace: 1))
        defer { stop(s) }
        try s.apply([shellApp(box)], now: now())
        #expect(drive(s) { s.processIDs["app"]?.count == 2 })
        var info = stat()
        #expect(lstat(box.path + "/app.sock", &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK)
        for pid in s.processIDs["app"] ?? [] {
            let file = box.path + "/report.\(pid)"
            #expect(drive(s) { (try? String(contentsOfFile: file, encoding: .utf8))?.contains("PATH=") == true })
            let report = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            #expect(report.hasPrefix("socket\n"))
            #expect(report.contains("FOO=bar\n"))
            #expect(report.contains("PATH=\(FastCGIApp.defaultPath)\n"))
            #expect(!report.contains("HOME="))
        }
        #expect(box.logText.contains("start fastcgi_app \"app\" process"))
    }

    @Test func aKilledProcessIsRestarted() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let s = FastCGIAppSupervisor(errorLog: box.log, options: .init(grace: 1))
        defer { stop(s) }
        try s.apply([shellApp(box, processes: 1)], now: now())
        #expect(drive(s) { s.processIDs["app"]?.count == 1 })
        let first = try #require(s.processIDs["app"]?.first)
        kill(first, SIGKILL)
        #expect(drive(s) { (s.processIDs["app"]?.first).map { $0 != first } ?? false })
        #expect(box.logText.contains("[alert]") && box.logText.contains("fastcgi_app \"app\" process \(first) exited on signal 9"))
    }

    @Test func reloadKeepsUnchangedAppsAndReplacesChangedOnes() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let s = FastCGIAppSupervisor(errorLog: box.log, options: .init(grace: 1))
        defer { stop(s) }
        let kept = shellApp(box, name: "kept", processes: 1)
        try s.apply([kept, shellApp(box, name: "changed", processes: 1), shellApp(box, name: "gone", processes: 1)], now: now())
        #expect(drive(s) { s.processIDs.values.allSatisfy { $0.count == 1 } })
        let before = s.processIDs
        let changes = try s.apply([kept, shellApp(box, name: "changed", processes: 2)], now: now())
        #expect(changes.started == ["changed"] && changes.removed == ["gone"])
        #expect(drive(s) { s.processIDs["changed"]?.count == 2 && kill(before["gone"]![0], 0) != 0 })
        #expect(s.processIDs["kept"] == before["kept"])
        #expect(Set(s.processIDs["changed"]!).isDisjoint(with: before["changed"]!))
        #expect(s.processIDs["gone"] == nil)
        #expect(access(box.path + "/gone.sock", F_OK) != 0)
        #expect(access(box.path + "/changed.sock", F_OK) == 0)
    }

    @Test func aFailedSocketChangesNothing() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        let s = FastCGIAppSupervisor(errorLog: box.log, options: .init(grace: 1))
        defer { stop(s) }
        try s.apply([shellApp(box, name: "a", processes: 1)], now: now())
        #expect(drive(s) { s.processIDs["a"]?.count == 1 })
        let before = s.processIDs
        var broken = shellApp(box, name: "b", processes: 1)
        broken.socket = box.path + "/missing/b.sock"
        #expect(throws: ListenSocketError.self) { try s.apply([broken], now: now()) }
        #expect(s.processIDs == before)
    }

    @Test func stopTerminatesEverythingAndRemovesTheSocket() throws {
        let box = try Sandbox()
        defer { box.cleanup() }
        // `sleep` ignores nothing, but a TERM-proof app must be killed after the grace.
        let stubborn = FastCGIApp(name: "stubborn", command: ["/bin/sh", "-c", "trap '' TERM; touch \(box.path)/trapped; while :; do sleep 0.05; done"],
                                  processes: 1, socket: box.path + "/stubborn.sock")
        let s = FastCGIAppSupervisor(errorLog: box.log, options: .init(grace: 0.3))
        try s.apply([shellApp(box, processes: 2), stubborn], now: now())
        #expect(drive(s) { s.processIDs.values.reduce(0) { $0 + $1.count } == 3 })
        // TERM before the trap is set would end it at once: wait until it ignores TERM.
        #expect(drive(s) { access(box.path + "/trapped", F_OK) == 0 })
        let pids = s.processIDs.values.flatMap { $0 }
        s.stopAll(now: now())
        #expect(drive(s) { !s.hasProcesses })
        for pid in pids { #expect(kill(pid, 0) != 0) }
        #expect(access(box.path + "/app.sock", F_OK) != 0)
        #expect(box.logText.contains("fastcgi_app \"stubborn\" process") && box.logText.contains("did not exit in time, killing it"))
    }
}
