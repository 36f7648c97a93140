// `swhost -T`: every file read, once, in include order, byte for byte, each under
// `# configuration file ABSOLUTE:` and followed by a newline (nginx 1.22's -T format).

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct CLIDumpTests {
    /// A tree with a glob include, a file included twice, a file without a final newline, tabs,
    /// CRLF and non-ASCII text.
    static func makeTree(port: Int) throws -> TestPrefix {
        let prefix = try TestPrefix(name: "swhost-cli-dump")
        try prefix.write("etc/swhost.conf", """
            # main config\tfor -T
            worker_processes 1;
            pid run/swhost.pid;
            events { worker_connections 64; }
            http {
                include mime.types;
                include snippets/common.conf;
                include ../sites-enabled/*.conf;
            }

            """)
        try prefix.write("etc/snippets/common.conf", "# shared by http and one server\r\ndefault_type text/plain;\r\n")
        try prefix.write("sites-enabled/b.conf", """
            server {
            \tlisten 127.0.0.1:\(port);
            \tserver_name b.example;
            \tinclude snippets/common.conf;
            }

            """)
        // No newline at the end: the dump adds exactly one after it.
        try prefix.write("sites-enabled/a.conf", "# café ☕ — site a\nserver { listen 127.0.0.1:\(port); server_name a.example; return 200 \"a\"; }")
        try prefix.write("sites-enabled/c.conf", "\n\n# only comments\n\n")
        // Not matched by *.conf: never read, never printed.
        try prefix.write("sites-enabled/README", "not a config {{{\n")
        return prefix
    }

    /// The dump built from the files themselves.
    static func expectedDump(_ prefix: TestPrefix, files: [String]) throws -> Data {
        var dump = Data()
        for file in files {
            dump.append(contentsOf: Array("# configuration file \(prefix.path(file)):\n".utf8))
            dump.append(try Data(contentsOf: URL(fileURLWithPath: prefix.path(file))))
            dump.append(UInt8(ascii: "\n"))
        }
        return dump
    }

    static let includeOrder = [
        "etc/swhost.conf", "etc/mime.types", "etc/snippets/common.conf",
        "etc/../sites-enabled/a.conf", "etc/../sites-enabled/b.conf", "etc/../sites-enabled/c.conf",
    ]

    /// Runs swhost with stdout captured as bytes (a dump is not necessarily text).
    static func run(_ arguments: [String], prefix: TestPrefix) throws -> (status: Int32, stdout: Data, stderr: String) {
        let out = prefix.path("logs/dump.out")
        let err = prefix.path("logs/dump.err")
        let child = try ChildProcess(
            executable: SWHostBinary.url.path, arguments: ["-p", prefix.path + "/"] + arguments,
            currentDirectory: prefix.path, stdoutPath: out, stderrPath: err)
        let status = child.wait(timeout: .seconds(30)) ?? child.terminate(timeout: .seconds(1))
        let stdout = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
        let stderr = prefix.read("logs/dump.err")
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
        return (status, stdout, stderr)
    }

    @Test func dumpsEveryFileOnceInIncludeOrder() throws {
        let prefix = try Self.makeTree(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        let result = try Self.run(["-T"], prefix: prefix)
        #expect(result.status == 0)
        #expect(result.stderr == successLines(prefix.path("etc/swhost.conf")))
        let expected = try Self.expectedDump(prefix, files: Self.includeOrder)
        #expect(result.stdout == expected)
        if result.stdout != expected {
            Issue.record("got:\n\(String(decoding: result.stdout, as: UTF8.self))")
        }
        let headers = String(decoding: result.stdout, as: UTF8.self)
            .split(separator: "\n").filter { $0.hasPrefix("# configuration file ") }
        #expect(headers.count == Self.includeOrder.count)
    }

    /// -q silences the result lines, not the dump.
    @Test(arguments: [["-Tq"], ["-q", "-T"], ["-tT", "-q"]])
    func quietDumpStillDumps(flags: [String]) throws {
        let prefix = try Self.makeTree(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        let result = try Self.run(flags, prefix: prefix)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == (try Self.expectedDump(prefix, files: Self.includeOrder)))
    }

    /// The repository's own tree: main config, mime.types and the enabled site.
    @Test func repositoryTree() throws {
        let root = SWHostBinary.packageRoot.resolvingSymlinksInPath().path
        let result = try runSWHost(arguments: ["-T", "-p", root + "/"])
        #expect(result.status == 0)
        var expected = ""
        let sites = try FileManager.default.contentsOfDirectory(atPath: root + "/sites-enabled")
            .filter { !$0.hasPrefix(".") }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for file in ["etc/swhost.conf", "etc/mime.types"] + sites.map({ "etc/../sites-enabled/" + $0 }) {
            expected += "# configuration file \(root)/\(file):\n"
            expected += try String(contentsOfFile: root + "/" + file, encoding: .utf8) + "\n"
        }
        #expect(result.stdout == expected)
    }

    /// nginx dumps the bytes it parsed, whatever their encoding. swhost does not yet: the parsed
    /// file reaches `-T` as a String (`ConfigFile.contents` in SWHostConfig/Syntax/AST.swift),
    /// so a Latin-1 byte comes out as U+FFFD. Recorded as a known issue until ConfigFile keeps
    /// the bytes; this test starts failing when that is fixed, as a reminder to drop the wrapper.
    @Test func dumpIsByteExactForNonUTF8Files() throws {
        let prefix = try TestPrefix(name: "swhost-cli-dump")
        defer { prefix.cleanup() }
        try prefix.write("etc/swhost.conf", Data("# caf\u{E9} in Latin-1 follows: ".utf8) + Data([0xE9, 0x0A]) + Data("events {}\n".utf8))
        let result = try Self.run(["-T", "-q"], prefix: prefix)
        #expect(result.status == 0)
        let expected = try Self.expectedDump(prefix, files: ["etc/swhost.conf"])
        withKnownIssue("ConfigFile.contents is a String: non-UTF-8 bytes are replaced") {
            #expect(result.stdout == expected)
        }
    }

    /// A broken config dumps nothing.
    @Test func brokenConfigDumpsNothing() throws {
        let prefix = try Self.makeTree(port: try FreePort.allocate())
        defer { prefix.cleanup() }
        try prefix.write("sites-enabled/c.conf", "servr;\n")
        let result = try Self.run(["-T"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            swhost: [emerg] unknown directive "servr" in \(sitePath(prefix, "c.conf")):1
            swhost: configuration file \(prefix.path("etc/swhost.conf")) test failed

            """)
    }
}
