// Broken configurations through the real binary: `swhost -t -p PREFIX/ -c FILE` prints exactly
// the one nginx diagnostic, then the "test failed" line, exits 1, and never crashes.
//
// Two corpora: `Fixtures/cli/broken` (this target's: errors in files pulled in by globs and nested
// includes, CRLF, non-ASCII names, multi-line directives; `verify-with-nginx.sh` beside them checks
// every expected line against nginx 1.22), and the config compiler's own golden corpora.

import Foundation
import SWHostTesting
import Testing

@Suite(.serialized) struct CLIBrokenConfigTests {
    static let cliDirectory = CLIFixtures.directory + "/broken"
    static let syntaxDirectory = CLIFixtures.configCorpus + "/syntax"
    static let semanticDirectory = CLIFixtures.configCorpus + "/semantic"

    static let cliCases = CLIFixtures.cases(in: cliDirectory)
    static let syntaxCases = CLIFixtures.cases(in: syntaxDirectory)
    static let semanticCases = CLIFixtures.cases(in: semanticDirectory)

    @Test func corporaArePresent() {
        #expect(Self.cliCases.count >= 20)
        #expect(Self.syntaxCases.count + Self.semanticCases.count >= 30)
    }

    /// Runs `-t` on `directory/name.conf` with a fresh prefix and checks the exact output.
    private func expectFailure(name: String, directory: String) throws {
        let prefix = try TestPrefix(name: "swhost-cli-broken")
        defer { prefix.cleanup() }
        let conf = directory + "/" + name + ".conf"
        let expected = try CLIFixtures.expectedLine(name, in: directory)
        let result = try runSWHost(arguments: ["-t", "-p", prefix.path + "/", "-c", conf])
        #expect(result.status == 1, "\(name): \(result.stderr)")
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: \(expected)\nswhost: configuration file \(conf) test failed\n")
        #expect(!looksLikeACrash(result.stderr))
        // Exactly one diagnostic, whatever else is wrong with the file.
        #expect(result.stderr.components(separatedBy: "[emerg]").count == 2)
    }

    @Test(arguments: cliCases)
    func cliCorpus(name: String) throws {
        try expectFailure(name: name, directory: Self.cliDirectory)
        // Every case of this corpus points at a file and line (or is a whole-config problem).
        let expected = try CLIFixtures.expectedLine(name, in: Self.cliDirectory)
        #expect(matches(expected, #"\[emerg\] .+ in /.+:[0-9]+"#) || expected.hasPrefix("[emerg] no \"events\" section"))
    }

    @Test(arguments: syntaxCases)
    func syntaxCorpus(name: String) throws {
        try expectFailure(name: name, directory: Self.syntaxDirectory)
    }

    @Test(arguments: semanticCases)
    func semanticCorpus(name: String) throws {
        try expectFailure(name: name, directory: Self.semanticDirectory)
    }

    /// `-q` silences only the success lines: a failure prints the same two lines.
    @Test func quietStillReportsFailure() throws {
        let prefix = try TestPrefix(name: "swhost-cli-broken")
        defer { prefix.cleanup() }
        let conf = try prefix.write("etc/swhost.conf", "events {}\nhttp {\n    servr {}\n}\n")
        let result = try runSWHost(arguments: ["-tq"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [emerg] unknown directive \"servr\" in \(conf):3\nswhost: configuration file \(conf) test failed\n")
    }

    /// A missing main config has no file and line; nginx prints the open() error alone.
    @Test func missingMainConfig() throws {
        let prefix = try TestPrefix(name: "swhost-cli-broken")
        defer { prefix.cleanup() }
        let conf = prefix.path("etc/swhost.conf")
        let result = try runSWHost(arguments: ["-t"], prefix: prefix)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == "swhost: [emerg] open() \"\(conf)\" failed (2: No such file or directory)\nswhost: configuration file \(conf) test failed\n")
    }
}
