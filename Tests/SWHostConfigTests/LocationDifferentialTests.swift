import Foundation
import Testing
@testable import SWHostConfig

/// `Fixtures/routing/locations.conf` gives every location a `return 200 LETTER`; `locations.tsv`
/// records which letter nginx 1.22 answered for each URI (`verify-with-nginx.sh` re-runs it
/// against the installed nginx). The location tree must choose the same location.
@Suite struct LocationDifferentialTests {
    static let directory: String = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return "/nonexistent" }
        return url.resolvingSymlinksInPath().appendingPathComponent("routing").path
    }()

    static let cases: [(uri: String, letter: String)] = {
        let text = (try? String(contentsOfFile: directory + "/locations.tsv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t").map(String.init)
            return (f[0], f[1])
        }
    }()

    static let server: ServerConfig? = {
        guard let parsed = try? ConfigParser.parse(mainFile: directory + "/locations.conf", globalDirectives: nil),
              let compiled = try? ConfigCompiler.compile(parsed, context: ConfigContext(prefix: "/srv/p/", configDirectory: directory,
                                                                                        checkFilesystem: false))
        else { return nil }
        return compiled.main.http?.servers.first
    }()

    @Test func fixtureIsPresent() {
        #expect(Self.cases.count >= 30)
        #expect(Self.server != nil)
    }

    @Test(arguments: cases.map(\.uri))
    func sameLocationAsNginx(uri: String) throws {
        let server = try #require(Self.server)
        let expected = try #require(Self.cases.first { $0.uri == uri }?.letter)
        let location = server.locations.match(uri)?.location
        guard case .return(let action)? = location?.rewriteSteps.first else {
            Issue.record("\(uri) matched \(location?.name ?? "nothing")")
            return
        }
        #expect(action.text?.literalValue == expected)
    }
}
