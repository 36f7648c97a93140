import Testing
@testable import SWHostConfig

@Suite struct DiagnosticTests {
    @Test func rendersNginxFormatWithLocation() {
        let d = ConfigDiagnostic(.emerg, "unknown directive \"foo\"", at: SourceLocation(file: "/etc/swhost.conf", line: 3))
        #expect(d.description == "[emerg] unknown directive \"foo\" in /etc/swhost.conf:3")
    }

    @Test func rendersWithoutLocation() {
        #expect(ConfigDiagnostic(.warn, "x").description == "[warn] x")
    }

    @Test func templateRendersVariables() {
        let t = VariableTemplate(segments: [.variable(.builtin("scheme")), .literal("://"), .variable(.builtin("host"))])
        #expect(t.render { v in v == .builtin("scheme") ? "http" : "example.org" } == "http://example.org")
        #expect(!t.isLiteral)
    }
}
