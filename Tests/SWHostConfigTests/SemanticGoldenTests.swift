import Foundation
import Testing
@testable import SWHostConfig

/// Semantically broken configs in `Fixtures/semantic/NAME.conf`, each with the exact line in
/// `NAME.expected` (`$FIXTURE` = the .conf's path). Every case not named `swhost-*` is nginx
/// 1.22's own message: `Fixtures/semantic/verify-with-nginx.sh` checks them against the
/// installed nginx. (`swhost-*` cases are checks nginx does not make at load; `asroot-*` cases
/// need root, as they do in nginx.)
@Suite struct SemanticGoldenTests {
    static let directory = GoldenCorpus.directory("semantic")
    static let cases = GoldenCorpus.cases(in: directory)

    @Test func corpusIsPresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func brokenConfigGivesNginxMessage(name: String) throws {
        // `asroot-*` cases check users and groups, which nginx (and swhost) only do as root.
        if name.hasPrefix("asroot-"), getuid() != 0 { return }
        let conf = Self.directory + "/" + name + ".conf"
        let expected = try String(contentsOfFile: Self.directory + "/" + name + ".expected", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
            .replacingOccurrences(of: "$FIXTURE", with: conf)
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("swhost-semantic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: prefix + "/logs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        do {
            let parsed = try ConfigParser.parse(mainFile: conf, globalDirectives: nil)
            let compiled = try ConfigCompiler.compile(parsed, context: ConfigContext(prefix: prefix, configDirectory: Self.directory))
            Issue.record("\(name) compiled without error; warnings: \(compiled.warnings)")
        } catch {
            #expect(error.description == expected)
        }
    }
}
