import Testing
@testable import SWHostConfig

/// The rewrite module's directives become an ordered program
/// (https://nginx.org/en/docs/http/ngx_http_rewrite_module.html).
@Suite struct RewriteProgramTests {
    @Test func serverAndLocationProgramsKeepConfigOrder() throws {
        let server = try firstServer("""
            server { listen 80;
                set $a 1;
                rewrite ^/old/(.*)$ /new/$1 permanent;
                if ($http_user_agent ~* bot) { return 403; }
                location / {
                    rewrite ^/x$ /y last;
                    rewrite ^/z$ https://example.org/z?;
                    if (!-f $request_filename) { add_header X-Missing 1; break; }
                    return 301 https://$host$request_uri;
                }
            }
            """)
        let steps = server.rewriteSteps
        #expect(steps.count == 3)
        guard case .set(let name, let value) = steps[0], case .rewrite(let rule) = steps[1], case .if(let block) = steps[2] else {
            Issue.record("unexpected steps \(steps)"); return
        }
        #expect(name == "a" && value == VariableTemplate(literal: "1"))
        #expect(rule.flag == .permanent && rule.isRedirect && rule.regex.captureCount == 1)
        #expect(block.steps == [.return(ReturnAction(code: 403, text: nil))] && block.settings == nil)
        guard case .matches(_, let re, let negated) = block.condition else { Issue.record("condition"); return }
        #expect(re.caseless && !negated)

        let loc = try #require(server.locations.match("/")).location.rewriteSteps
        #expect(loc.count == 4)
        guard case .rewrite(let r1) = loc[0], case .rewrite(let r2) = loc[1], case .if(let fileIf) = loc[2],
              case .return(let ret) = loc[3] else { Issue.record("location steps \(loc)"); return }
        #expect(r1.flag == .last && !r1.isRedirect)
        #expect(r2.isRedirect && r2.dropsArguments && r2.replacement.literalValue == "https://example.org/z")
        let filename = try VariableTemplate(parsing: "$request_filename")
        #expect(fileIf.condition == .file(.isFile, filename, negated: true))
        #expect(fileIf.steps == [.break] && fileIf.settings?.addHeaders.map(\.name) == ["X-Missing"])
        let expected = try VariableTemplate(parsing: "https://$host$request_uri")
        #expect(ret.code == 301 && ret.text == expected)
    }

    @Test(arguments: [
        ("($x)", "isTrue"), ("($x = a)", "equals"), ("($x != a)", "notEquals"), ("($x ~ ^a)", "matches"),
        ("($x !~* ^a)", "notMatches"), ("(-d $uri)", "file"), ("(!-x $uri)", "notFile"),
    ])
    func conditions(text: String, kind: String) throws {
        let server = try firstServer("server { listen 80; set $x 1; if \(text) { return 404; } }")
        guard case .if(let block) = server.rewriteSteps[1] else { Issue.record("no if"); return }
        let actual: String = switch block.condition {
        case .isTrue: "isTrue"
        case .equals(_, _, let n): n ? "notEquals" : "equals"
        case .matches(_, _, let n): n ? "notMatches" : "matches"
        case .file(_, _, let n): n ? "notFile" : "file"
        }
        #expect(actual == kind)
    }

    @Test func returnForms() throws {
        let server = try firstServer("server { listen 80; location /a { return https://x/; } location /b { return 204; } location /c { return 200 \"ok\"; } }")
        func ret(_ uri: String) throws -> ReturnAction? {
            if case .return(let r) = try #require(server.locations.match(uri)).location.rewriteSteps.first { return r }
            return nil
        }
        #expect(try ret("/a") == ReturnAction(code: 302, text: VariableTemplate(literal: "https://x/")))
        #expect(try ret("/b") == ReturnAction(code: 204, text: nil))
        #expect(try ret("/c") == ReturnAction(code: 200, text: VariableTemplate(literal: "ok")))
    }

    @Test func quotedRegexWithParenthesesBeforeTheClosingOne() throws {
        let server = try firstServer(#"server { listen 80; if ($uri ~ "^/(a|b)$") { return 404; } if ( $request_method = POST ) { return 405; } }"#)
        guard case .if(let first) = server.rewriteSteps[0], case .matches(_, let re, false) = first.condition else {
            Issue.record("\(server.rewriteSteps)"); return
        }
        #expect(re.pattern == "^/(a|b)$" && re.captureCount == 1)
        guard case .if(let second) = server.rewriteSteps[1] else { Issue.record("second if"); return }
        #expect(second.condition == .equals(try VariableTemplate(parsing: "$request_method"), VariableTemplate(literal: "POST"), negated: false))
    }
}
