import Foundation
import Testing
@testable import SWHostConfig

/// `Fixtures/routing/servers.conf` gives every server a `return 200 LETTER`; `servers.tsv`
/// records which letter nginx 1.22 answered for each (port, Host) pair (`-` = no Host header;
/// `verify-servers-with-nginx.sh` re-runs it against the installed nginx).
@Suite struct ServerDifferentialTests {
    static let directory: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "/nonexistent" }
        return url.resolvingSymlinksInPath().appendingPathComponent("routing").path
    }()

    struct Case: Sendable, CustomTestStringConvertible {
        var port: Int
        var host: String
        var letter: String
        var testDescription: String { "\(port) \(host)" }
    }

    static let cases: [Case] = {
        let text = (try? String(contentsOfFile: directory + "/servers.tsv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Case(port: Int(f[0]) ?? 0, host: f[1] == "-" ? "" : f[1], letter: f[2])
        }
    }()

    static let http: HTTPConfig? = {
        guard let parsed = try? ConfigParser.parse(mainFile: directory + "/servers.conf", globalDirectives: nil),
              let compiled = try? ConfigCompiler.compile(parsed, context: ConfigContext(prefix: "/srv/p/", configDirectory: directory,
                                                                                        checkFilesystem: false))
        else { return nil }
        return compiled.main.http
    }()

    @Test func fixtureIsPresent() {
        #expect(Self.cases.count >= 25)
        #expect(Self.http != nil)
    }

    @Test(arguments: cases)
    func sameServerAsNginx(c: Case) throws {
        let table = try #require(Self.http?.listeners[.ipv4("127.0.0.1", port: c.port)])
        let server = table.select(host: c.host)
        guard case .return(let action)? = server.rewriteSteps.first else {
            Issue.record("server \(server.primaryName) has no return")
            return
        }
        #expect(action.text?.literalValue == c.letter)
    }
}
