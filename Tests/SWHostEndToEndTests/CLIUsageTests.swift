// Version, help and usage errors: nginx 1.22's texts with "nginx" replaced by "swhost"
// (`nginx -h`, `nginx -x`, `nginx -s` give the originals).

import CZlib
import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct CLIUsageTests {
    static let versionPattern = #"swhost version: swhost/[0-9]+\.[0-9]+\.[0-9]+\n"#

    static let usage = """
        Usage: swhost [-?hvVtTq] [-s signal] [-p prefix]
                      [-e filename] [-c filename] [-g directives]

        Options:
          -?,-h         : this help
          -v            : show version and exit
          -V            : show version and configure options then exit
          -t            : test configuration and exit
          -T            : test configuration, dump it and exit
          -q            : suppress non-error messages during configuration testing
          -s signal     : send signal to a master process: stop, quit, reopen, reload
          -p prefix     : set prefix path (default: the current directory)
          -e filename   : set error log file (default: stderr)
          -c filename   : set configuration file (default: etc/swhost.conf)
          -g directives : set global directives out of configuration file

        """

    @Test func versionOnStderr() throws {
        let result = try runSWHost(arguments: ["-v"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(matches(result.stderr, Self.versionPattern))
    }

    @Test(arguments: ["-h", "-?"])
    func helpIsVersionThenUsage(flag: String) throws {
        let result = try runSWHost(arguments: [flag])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        let version = try runSWHost(arguments: ["-v"]).stderr
        #expect(result.stderr == version + Self.usage)
    }

    /// `-V`: the version, the compiler, each C library's version as the library reports it, and
    /// the features, one per line under `features:`.
    @Test func versionWithLibraries() throws {
        let result = try runSWHost(arguments: ["-V"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count >= 5)
        guard lines.count >= 5 else { return }
        #expect(matches(lines[0] + "\n", Self.versionPattern))
        #expect(matches(lines[1], #"built with Swift 6\.[0-9]+( or later)?"#))
        let zlib = String(cString: zlibVersion())
        #expect(matches(lines[2], "libraries: zlib " + literal(zlib) + #", libmagic [0-9]+\.[0-9]+, libxml2 [0-9]+\.[0-9]+\.[0-9]+, PCRE2 [0-9]+\.[0-9]+ [0-9]{4}-[0-9]{2}-[0-9]{2}"#))
        // The system's own idea of the other versions, where pkg-config knows them.
        for (module, name) in [("libxml-2.0", "libxml2"), ("libpcre2-8", "PCRE2"), ("libmagic", "libmagic")] {
            let pc = try? runProcess(executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["pkg-config", "--modversion", module])
            if let pc, pc.status == 0 {
                let version = pc.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(lines[2].contains("\(name) \(version)"), "\(name): pkg-config says \(version); swhost says \(lines[2])")
            }
        }
        #expect(lines[3] == "features:")
        #expect(lines.dropFirst(4).dropLast().allSatisfy { $0.hasPrefix("  ") && $0.count > 2 })
        #expect(lines.last == "")
    }

    /// -v with -t prints the version and goes on to test (nginx does the same).
    @Test func versionWithTestAlsoTests() throws {
        let root = SWHostBinary.packageRoot.resolvingSymlinksInPath().path
        let result = try runSWHost(arguments: ["-vt", "-p", root])
        #expect(result.status == 0)
        let version = try runSWHost(arguments: ["-v"]).stderr
        #expect(result.stderr == version + successLines(root + "/etc/swhost.conf"))
    }

    @Test(arguments: [
        (["-x"], "invalid option: \"x\""),
        (["x"], "invalid option: \"x\""),
        (["-tx"], "invalid option: \"x\""),
        (["-t", "extra"], "invalid option: \"extra\""),
        ([""], "invalid option: \"\""),
        (["--help"], "invalid option: \"-\""),
        (["-s"], "option \"-s\" requires parameter"),
        (["-t", "-s"], "option \"-s\" requires parameter"),
        (["-s", "foo"], "invalid option: \"-s foo\""),
        (["-sfoo"], "invalid option: \"-s foo\""),
        (["-s", "RELOAD"], "invalid option: \"-s RELOAD\""),
        (["-p"], "option \"-p\" requires directory name"),
        (["-c"], "option \"-c\" requires file name"),
        (["-e"], "option \"-e\" requires file name"),
        (["-g"], "option \"-g\" requires parameter"),
        (["-tqc"], "option \"-c\" requires file name"),
    ])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try runSWHost(arguments: arguments)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: \(message)\n")
    }

    /// A lone `-` is an empty flag group: nginx accepts it and goes on.
    @Test func loneDashIsIgnored() throws {
        let root = SWHostBinary.packageRoot.resolvingSymlinksInPath().path
        let result = try runSWHost(arguments: ["-", "-tq", "-p", root])
        #expect(result.status == 0)
        #expect(result.stderr == "")
    }

    /// The first usage error wins, before any file is read.
    @Test func usageErrorBeforeConfig() throws {
        let result = try runSWHost(arguments: ["-t", "-p", "/nonexistent-swhost-prefix/", "-y"])
        #expect(result.status == 1)
        #expect(result.stderr == "swhost: invalid option: \"y\"\n")
    }
}
