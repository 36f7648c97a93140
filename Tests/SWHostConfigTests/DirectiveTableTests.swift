import Foundation
import Testing
@testable import SWHostConfig

/// One directive at a time, valid and invalid, against nginx 1.22's verdict recorded in
/// `Fixtures/semantic/directives.tsv` (LEVEL, SNIPPET, first `[emerg]`/`[warn]` line or `ok`);
/// `verify-directives-with-nginx.py` re-checks the table against the installed nginx.
@Suite struct DirectiveTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var level: String
        var snippet: String
        var expected: String
        var testDescription: String { "\(level): \(snippet)" }
    }

    static let rows: [Row] = {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
              let text = try? String(contentsOf: url.appendingPathComponent("semantic/directives.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(level: f[0], snippet: f[1], expected: f[2])
        }
    }()

    static func config(_ row: Row) -> String {
        switch row.level {
        case "main":
            row.snippet.hasPrefix("events") ? "events {}\n\(row.snippet)\nhttp { }\n" : "\(row.snippet)\nevents {}\nhttp { }\n"
        case "http": "events {}\nhttp { \(row.snippet) }\n"
        case "server": "events {}\nhttp { server { listen 127.0.0.1:28080; \(row.snippet) } }\n"
        default: "events {}\nhttp { server { listen 127.0.0.1:28080; location / { \(row.snippet) } } }\n"
        }
    }

    @Test func tableIsPresent() {
        #expect(Self.rows.count >= 200)
    }

    @Test(arguments: rows)
    func directiveVerdictMatchesNginx(row: Row) {
        let text = Self.config(row)
        let got: String
        do {
            let compiled = try compileConfig(text)
            got = compiled.warnings.first?.description ?? "ok"
        } catch {
            got = error.description
        }
        #expect(got == row.expected)
    }
}
