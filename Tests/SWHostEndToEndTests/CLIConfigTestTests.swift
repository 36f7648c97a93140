// `swhost -t` on valid configurations: the repository's own tree, -q, warnings, and how -p, -c,
// -g and -e change what is read and what is printed (docs/cli.md).

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct CLIConfigTestTests {
    static let root = SWHostBinary.packageRoot.resolvingSymlinksInPath().path

    @Test func repositoryTreeIsValid() throws {
        let result = try runSWHost(arguments: ["-p", Self.root + "/", "-t"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == successLines(Self.root + "/etc/swhost.conf"))
    }

    /// Without -p the prefix is the current directory, so swhost run from the repository root
    /// tests the repository's tree.
    @Test func prefixDefaultsToTheCurrentDirectory() throws {
        let result = try runProcess(executable: SWHostBinary.url, arguments: ["-t"], currentDirectory: URL(fileURLWithPath: Self.root))
        #expect(result.status == 0)
        #expect(result.stderr == successLines(Self.root + "/etc/swhost.conf"))
    }

    @Test(arguments: [["-t", "-q"], ["-tq"], ["-qt"], ["-q", "-t"]])
    func quietPrintsNothingOnSuccess(flags: [String]) throws {
        let result = try runSWHost(arguments: ["-p", Self.root + "/"] + flags)
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == "")
    }

    /// A warning does not fail the test and is printed even with -q (nginx: a server name
    /// repeated on one address is ignored with a warning, and no `in FILE:LINE`).
    @Test(arguments: [false, true])
    func warningsArePrintedEvenWhenQuiet(quiet: Bool) throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("sites-enabled/twin", CLIConfig.site(port: port))
        let result = try runSWHost(arguments: [quiet ? "-tq" : "-t"], prefix: prefix)
        let warning = "swhost: [warn] conflicting server name \"localhost\" on 127.0.0.1:\(port), ignored\n"
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr == warning + (quiet ? "" : successLines(prefix.path("etc/swhost.conf"))))
    }

    /// `-c` relative to the prefix, not to the current directory; `include` relative to the
    /// main config's directory.
    @Test func configPathIsRelativeToThePrefix() throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("etc/alt/alt.conf", "events {}\nhttp {\n    include ../mime.types;\n    servr;\n}\n")
        let elsewhere = try TestPrefix(name: "swhost-cli-cwd")
        defer { elsewhere.cleanup() }
        let result = try runProcess(
            executable: SWHostBinary.url, arguments: ["-t", "-p", prefix.path, "-c", "etc/alt/alt.conf"],
            currentDirectory: elsewhere.url)
        let conf = prefix.path("etc/alt/alt.conf")
        #expect(result.status == 1)
        #expect(result.stderr == "swhost: [emerg] unknown directive \"servr\" in \(conf):4\nswhost: configuration file \(conf) test failed\n")
    }

    /// `-p DIR`, `-p DIR/`, `-p DIR//` and attached `-pDIR/` name the same prefix, and no printed
    /// path has `//` in it.
    @Test(arguments: ["", "/", "//"], [false, true])
    func prefixSpellings(suffix: String, attached: Bool) throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        let value = prefix.path + suffix
        let pFlag = attached ? ["-p" + value] : ["-p", value]
        let elsewhere = try TestPrefix(name: "swhost-cli-cwd")
        defer { elsewhere.cleanup() }

        let ok = try runProcess(executable: SWHostBinary.url, arguments: ["-t"] + pFlag, currentDirectory: elsewhere.url)
        #expect(ok.status == 0)
        #expect(ok.stderr == successLines(prefix.path + "/etc/swhost.conf"))

        try prefix.write("sites-enabled/site", "server {\n    listen 127.0.0.1:\(port);\n    root;\n}\n")
        let bad = try runProcess(executable: SWHostBinary.url, arguments: ["-t"] + pFlag, currentDirectory: elsewhere.url)
        #expect(bad.status == 1)
        #expect(bad.stderr == """
            swhost: [emerg] invalid number of arguments in "root" directive in \(prefix.path)/etc/../sites-enabled/site:3
            swhost: configuration file \(prefix.path)/etc/swhost.conf test failed

            """)
        #expect(!bad.stderr.contains("//"))
        #expect(!bad.stderr.contains("/./"))

        // The pid path printed by -s is built from the prefix too.
        try prefix.write("sites-enabled/site", CLIConfig.site(port: port))
        let signal = try runProcess(executable: SWHostBinary.url, arguments: ["-s", "reload"] + pFlag, currentDirectory: elsewhere.url)
        #expect(signal.status == 1)
        #expect(signal.stderr == "swhost: [error] open() \"\(prefix.path)/run/swhost.pid\" failed (2: No such file or directory)\n")
    }

    /// Attached values for every value flag, combined with flags before them (`-tqp/x`).
    @Test func attachedValuesAfterCombinedFlags() throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("etc/other.conf", CLIConfig.main())
        let result = try runSWHost(arguments: ["-tqp" + prefix.path + "/", "-cetc/other.conf", "-gworker_rlimit_nofile 1024;"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let loud = try runSWHost(arguments: ["-tp" + prefix.path, "-cetc/other.conf"])
        #expect(loud.stderr == successLines(prefix.path("etc/other.conf")))
    }

    // MARK: -g

    @Test func globalDirectivesAreAddedBeforeTheFile() throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        // The file sets worker_processes; -g sets it too: the file's is the duplicate (nginx).
        let conf = prefix.path("etc/swhost.conf")
        let duplicate = try runSWHost(arguments: ["-t", "-g", "worker_processes 2;"], prefix: prefix)
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr == "swhost: [emerg] \"worker_processes\" directive is duplicate in \(conf):1\nswhost: configuration file \(conf) test failed\n")

        try prefix.write("etc/swhost.conf", CLIConfig.main().replacingOccurrences(of: "worker_processes 1;\n", with: ""))
        let ok = try runSWHost(arguments: ["-t", "-g", "worker_processes 2;"], prefix: prefix)
        #expect(ok.status == 0)
        #expect(ok.stderr == successLines(conf))
    }

    @Test(arguments: [
        ("worker_processes x;", "\"worker_processes\" directive invalid value in command line"),
        ("worker_processes 2", "unexpected end of parameter, expecting \";\" in command line"),
        ("bogus_directive 1;", "unknown directive \"bogus_directive\" in command line"),
        ("events {}", "block directives are not supported in -g option in command line"),
        ("worker_processes 1 2;", "invalid number of arguments in \"worker_processes\" directive in command line"),
    ])
    func badGlobalDirectives(directives: String, message: String) throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", CLIConfig.main().replacingOccurrences(of: "worker_processes 1;\n", with: ""))
        let conf = prefix.path("etc/swhost.conf")
        let result = try runSWHost(arguments: ["-t", "-g", directives], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [emerg] \(message)\nswhost: configuration file \(conf) test failed\n")
    }

    // MARK: -e

    /// The early error log gets nginx's timestamped line; the terminal still gets the short one.
    @Test(arguments: [false, true])
    func earlyErrorLogGetsTheTimestampedLine(relative: Bool) throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("sites-enabled/site", "server {\n    listen 127.0.0.1:\(port);\n    servr;\n}\n")
        let site = sitePath(prefix, "site")
        let elsewhere = try TestPrefix(name: "swhost-cli-cwd")
        defer { elsewhere.cleanup() }
        // Relative -e names resolve against the prefix, as nginx's do.
        let logArgument = relative ? "logs/early.log" : prefix.path("logs/early.log")
        let result = try runProcess(
            executable: SWHostBinary.url, arguments: ["-t", "-p", prefix.path + "/", "-e", logArgument],
            currentDirectory: elsewhere.url)
        let message = "unknown directive \"servr\" in \(site):3"
        #expect(result.status == 1)
        #expect(result.stderr == "swhost: [emerg] \(message)\nswhost: configuration file \(prefix.path("etc/swhost.conf")) test failed\n")
        let log = prefix.read("logs/early.log")
        #expect(matches(log, #"[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} \[emerg\] [0-9]+#[0-9]+: "# + literal(message) + "\n"))
        #expect(!elsewhere.exists("logs/early.log"))
    }

    @Test func earlyErrorLogGetsWarningsToo() throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("sites-enabled/twin", CLIConfig.site(port: port))
        let result = try runSWHost(arguments: ["-tq", "-e", prefix.path("logs/early.log")], prefix: prefix)
        let message = "conflicting server name \"localhost\" on 127.0.0.1:\(port), ignored"
        #expect(result.status == 0)
        #expect(result.stderr == "swhost: [warn] \(message)\n")
        #expect(matches(prefix.read("logs/early.log"), #"[0-9/]{10} [0-9:]{8} \[warn\] [0-9]+#[0-9]+: "# + literal(message) + "\n"))
    }

    /// `-e stderr` means no file at all.
    @Test func earlyErrorLogStderrWritesNoFile() throws {
        let port = try FreePort.allocate()
        let prefix = try CLIConfig.prefix(port: port)
        defer { prefix.cleanup() }
        try prefix.write("sites-enabled/site", "servr;\n")
        let result = try runSWHost(arguments: ["-t", "-e", "stderr"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("swhost: [emerg] unknown directive \"servr\" in \(sitePath(prefix, "site")):1\n"))
        #expect(!prefix.exists("stderr"))
        #expect(!prefix.exists("logs/stderr"))
    }
}
