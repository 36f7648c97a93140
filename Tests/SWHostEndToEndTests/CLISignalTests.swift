// `swhost -s SIGNAL` when there is no server to signal: nginx's messages for a missing, invalid
// or stale pid file, exit 1 (docs/cli.md, "-s errors").

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct CLISignalTests {
    static let signals: [(name: String, number: Int32)] = [
        ("stop", SIGTERM), ("quit", SIGQUIT), ("reopen", SIGUSR1), ("reload", SIGHUP),
    ]

    @Test(arguments: signals.map(\.name))
    func noPidFile(signal: String) throws {
        let prefix = try CLIConfig.prefix(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        let result = try runSWHost(arguments: ["-s", signal], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [error] open() \"\(prefix.path("run/swhost.pid"))\" failed (2: No such file or directory)\n")
    }

    @Test(arguments: [
        ("", ""), ("\n", ""), ("abc\n", "abc"), ("-5\n", "-5"), ("+5\n", "+5"), ("0\n", "0"), ("12 34\n", "12 34"),
    ])
    func invalidPidNumber(contents: String, shown: String) throws {
        let prefix = try CLIConfig.prefix(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        try prefix.write("run/swhost.pid", contents)
        let result = try runSWHost(arguments: ["-s", "reload"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [error] invalid PID number \"\(shown)\" in \"\(prefix.path("run/swhost.pid"))\"\n")
    }

    /// A pid file left behind by a process that is gone.
    @Test(arguments: signals)
    func stalePid(signal: String, number: Int32) throws {
        let prefix = try CLIConfig.prefix(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        let gone = try ChildProcess(executable: "/bin/true", arguments: [])
        gone.wait()
        // CRLF and several newlines are trimmed, as nginx trims them.
        try prefix.write("run/swhost.pid", "\(gone.pid)\r\n\n")
        let result = try runSWHost(arguments: ["-s", signal], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [alert] kill(\(gone.pid), \(number)) failed (3: No such process)\n")
    }

    /// The pid file is the one the configuration names (`pid` directive, relative to the prefix).
    @Test func pidPathComesFromTheConfiguration() throws {
        let prefix = try CLIConfig.prefix(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", CLIConfig.main().replacingOccurrences(of: "pid run/swhost.pid;", with: "pid logs/other.pid;"))
        let result = try runSWHost(arguments: ["-s", "quit"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stderr == "swhost: [error] open() \"\(prefix.path("logs/other.pid"))\" failed (2: No such file or directory)\n")
    }

    /// `-t` wins over `-s` (nginx tests and exits before signalling): no pid file is read.
    @Test func testFlagWinsOverSignal() throws {
        let prefix = try CLIConfig.prefix(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        let result = try runSWHost(arguments: ["-s", "stop", "-t"], prefix: prefix)
        #expect(result.status == 0)
        #expect(result.stderr == successLines(prefix.path("etc/swhost.conf")))
    }

    /// A broken configuration stops `-s` before any signal is sent (nginx reads the pid path
    /// from the configuration it loads).
    @Test func brokenConfigurationSendsNothing() throws {
        let prefix = try CLIConfig.prefix(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        try prefix.write("sites-enabled/site", "server {\n    servr;\n}\n")
        let result = try runSWHost(arguments: ["-s", "reload"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [emerg] unknown directive \"servr\" in \(sitePath(prefix, "site")):2\n")
    }
}
