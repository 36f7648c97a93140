// Tests for SWHostLog: access log formats and escaping, checked against nginx 1.22's output
// (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format).

import SWHostConfig
import Testing

@testable import SWHostLog

@Suite struct AccessLogFormatTests {
    static let values: [VariableName: String] = [
        .builtin("remote_addr"): "192.0.2.7",
        .builtin("time_local"): "22/Nov/2026:01:25:47 +0000",
        .builtin("request"): "GET /index.html?q=1 HTTP/1.1",
        .builtin("status"): "200",
        .builtin("body_bytes_sent"): "612",
        .httpHeader("user-agent"): "curl/7.88.1",
    ]

    @Test func combinedMatchesNginxGoldenLine() {
        let line = AccessLogFormat.combined.render { Self.values[$0] }
        #expect(line == "192.0.2.7 - - [22/Nov/2026:01:25:47 +0000] \"GET /index.html?q=1 HTTP/1.1\" 200 612 \"-\" \"curl/7.88.1\"\n")
    }

    @Test func combinedWithUserAndReferer() {
        var values = Self.values
        values[.builtin("remote_user")] = "alice"
        values[.httpHeader("referer")] = "https://example.org/"
        let line = AccessLogFormat.combined.render { values[$0] }
        #expect(line == "192.0.2.7 - alice [22/Nov/2026:01:25:47 +0000] \"GET /index.html?q=1 HTTP/1.1\" 200 612 \"https://example.org/\" \"curl/7.88.1\"\n")
    }

    @Test func combinedListsItsVariables() {
        #expect(AccessLogFormat.combined.variables == [
            .builtin("remote_addr"), .builtin("remote_user"), .builtin("time_local"), .builtin("request"),
            .builtin("status"), .builtin("body_bytes_sent"), .httpHeader("referer"), .httpHeader("user-agent"),
        ])
    }

    @Test func severalStringsAreConcatenatedWithoutSeparators() {
        let format = AccessLogFormat(name: "main", templates: [
            VariableTemplate(segments: [.variable(.builtin("status")), .literal(" ")]),
            VariableTemplate(literal: "rt="),
            VariableTemplate(segments: [.variable(.builtin("request_time"))]),
        ])
        #expect(format.render { $0 == .builtin("status") ? "404" : "0.001" } == "404 rt=0.001\n")
    }

    /// Values observed from nginx 1.22 for a header `a"b\c<01><7f>é<tab>z/<1f>`.
    static let mixed = "a\"b\\c\u{01}\u{7f}é\tz/\u{1f}"

    @Test(arguments: [
        (AccessLogFormat.Escape.default, mixed, "[a\\x22b\\x5Cc\\x01\\x7F\\xC3\\xA9\\x09z/\\x1F]"),
        (.json, mixed, "[a\\\"b\\\\c\\u0001\u{7f}é\\tz/\\u001F]"),
        (.none, mixed, "[\(mixed)]"),
        (.default, "plain text", "[plain text]"),
        (.json, "line\nbreak\r\u{08}\u{0c}", "[line\\nbreak\\r\\b\\f]"),
        (.default, "", "[]"),
    ])
    func escapingMatchesNginx(escape: AccessLogFormat.Escape, value: String, expected: String) {
        let format = AccessLogFormat(name: "t", escape: escape, templates: [
            VariableTemplate(segments: [.literal("["), .variable(.httpHeader("x-t")), .literal("]")])
        ])
        #expect(format.render { _ in value } == expected + "\n")
    }

    @Test(arguments: [
        (AccessLogFormat.Escape.default, "[-]"),
        (.json, "[]"),
        (.none, "[]"),
    ])
    func missingValuePrintsDashOnlyInDefaultMode(escape: AccessLogFormat.Escape, expected: String) {
        let format = AccessLogFormat(name: "t", escape: escape, templates: [
            VariableTemplate(segments: [.literal("["), .variable(.httpHeader("missing")), .literal("]")])
        ])
        #expect(format.render { _ in nil } == expected + "\n")
    }

    @Test func literalsAreNeverEscaped() {
        let format = AccessLogFormat(name: "t", escape: .json, templates: [VariableTemplate(literal: "{\"a\":\"\\\"}")])
        #expect(format.render { _ in nil } == "{\"a\":\"\\\"}\n")
    }

    @Test func renderAppendsToTheBuffer() {
        var buffer = Array("prefix|".utf8)
        AccessLogFormat.combined.render(into: &buffer) { Self.values[$0] }
        #expect(String(decoding: buffer, as: UTF8.self).hasPrefix("prefix|192.0.2.7 - - ["))
        #expect(buffer.last == UInt8(ascii: "\n"))
    }

    @Test func accessLogWritesOneLinePerRequestAndHonoursIf() throws {
        let dir = TempDir()
        let file = try LogFile(path: dir.file("access.log"))
        let condition = VariableTemplate(segments: [.variable(.user("loggable"))])
        let log = AccessLog(format: .combined, file: file, condition: condition)
        var values = Self.values
        values[.user("loggable")] = "1"
        #expect(log.log { values[$0] })
        values[.user("loggable")] = "0"
        #expect(!log.log { values[$0] })
        values[.user("loggable")] = nil
        #expect(!log.log { values[$0] })
        var scratch: [UInt8] = []
        values[.user("loggable")] = "yes"
        values[.builtin("status")] = "304"
        #expect(log.log(scratch: &scratch) { values[$0] })
        file.close()
        let lines = dir.lines("access.log")
        #expect(lines.count == 2)
        #expect(lines.last?.contains("\" 304 612 ") == true)
    }
}
