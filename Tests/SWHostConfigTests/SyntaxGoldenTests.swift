import Foundation
import Testing
@testable import SWHostConfig

/// Broken configs in `Fixtures/syntax/NAME.conf`, each with the exact `[emerg]` line in
/// `NAME.expected` (`$FIXTURE` = the .conf's path, `$DIR` = its directory). Every case not named
/// `swhost-*` is nginx 1.22's own message: `Fixtures/syntax/verify-with-nginx.sh` checks them
/// against the installed nginx. (`swhost-*` cases are include cycles, where nginx overflows its stack.)
@Suite struct SyntaxGoldenTests {
    static let directory = GoldenCorpus.directory("syntax")
    static let cases = GoldenCorpus.cases(in: directory)

    @Test func corpusIsPresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func brokenConfigGivesNginxMessage(name: String) throws {
        let conf = Self.directory + "/" + name + ".conf"
        let expected = try String(contentsOfFile: Self.directory + "/" + name + ".expected", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
            .replacingOccurrences(of: "$FIXTURE", with: conf)
            .replacingOccurrences(of: "$DIR", with: Self.directory)
        do {
            let parsed = try ConfigParser.parse(mainFile: conf, globalDirectives: nil)
            Issue.record("\(name) parsed without error: \(parsed.directives.map(\.name))")
        } catch {
            #expect(error.description == expected)
        }
    }
}
