import Testing
@testable import SWHostConfig

@Suite struct SyntaxParserTests {
    @Test func buildsNestedBlocksWithLocations() throws {
        let text = """
            worker_processes 2;
            http {
                server {
                    listen 8080;
                    location / { root www; }
                }
            }

            """
        let directives = try ConfigParser.parse(text: text, fileName: "/etc/swhost.conf")
        #expect(directives.map(\.summary) == ["worker_processes 2", "http"])
        #expect(directives[0].block == nil)
        let server = try #require(directives[1].block?.first)
        #expect(server.summary == "server")
        #expect(server.location == SourceLocation(file: "/etc/swhost.conf", line: 3))
        let children = try #require(server.block)
        #expect(children.map(\.summary) == ["listen 8080", "location /"])
        #expect(children[1].location.line == 5)
        #expect(children[1].block?.map(\.summary) == ["root www"])
        #expect(children[1].arguments[0].location == SourceLocation(file: "/etc/swhost.conf", line: 5))
    }

    @Test func emptyBlockAndEmptyFile() throws {
        #expect(try ConfigParser.parse(text: "", fileName: "/t.conf").isEmpty)
        #expect(try ConfigParser.parse(text: "# only a comment\n", fileName: "/t.conf").isEmpty)
        let events = try ConfigParser.parse(text: "events {}", fileName: "/t.conf")
        #expect(events.first?.block == [])
    }

    /// nginx reports a directive's errors at the line of its `;` or `{` (checked with nginx -t:
    /// `foo\nbar\n;` gives `unknown directive "foo" in ...:3`); `endLocation` carries that line.
    @Test func endLocationIsTheTerminatorLine() throws {
        let directives = try ConfigParser.parse(
            text: "log_format main '$a'\n    '$b';\nserver\n{\n}\n", fileName: "/t.conf")
        #expect(directives[0].location.line == 1)
        #expect(directives[0].endLocation.line == 2)
        #expect(directives[0].arguments.map(\.value) == ["main", "$a", "$b"])
        #expect(directives[1].location.line == 3)
        #expect(directives[1].endLocation.line == 4)
    }

    @Test func directiveNameMayBeQuoted() throws {
        let directives = try ConfigParser.parse(text: "\"worker_processes\" 1;", fileName: "/t.conf")
        #expect(directives.map(\.summary) == ["worker_processes 1"])
    }

    @Test(arguments: [
        ("events {}\n}\n", "unexpected \"}\"", 2),
        ("events {\n", "unexpected end of file, expecting \"}\"", 2),
        ("http {\n server {\n  location / {\n  }\n }\n", "unexpected end of file, expecting \"}\"", 6),
        ("events {}\nworker_processes 1\n", "unexpected end of file, expecting \";\" or \"}\"", 3),
        ("events {}\n{\n", "unexpected \"{\"", 2),
        ("events {}\n;\n", "unexpected \";\"", 2),
        ("include a b;", "invalid number of arguments in \"include\" directive", 1),
        ("include;", "invalid number of arguments in \"include\" directive", 1),
        ("include a {\n}", "directive \"include\" is not terminated by \";\"", 1),
    ])
    func reportsStructuralErrorsLikeNginx(text: String, message: String, line: Int) {
        #expect(parseError(text) == ConfigDiagnostic(.emerg, message, at: SourceLocation(file: "/t.conf", line: line)))
    }

    @Test func refusesHostileNesting() {
        let text = String(repeating: "a {", count: 300) + String(repeating: "}", count: 300)
        #expect(parseError(text)?.message == "too many nested blocks (more than 256)")
        let fine = String(repeating: "a {", count: 200) + String(repeating: "}", count: 200)
        #expect(parseError(fine) == nil)
    }

    // MARK: -g

    /// Messages checked with `nginx -t -g '...'`: all end in ` in command line`.
    @Test(arguments: [
        ("daemon off", "unexpected end of parameter, expecting \";\""),
        ("daemon off; }", "unexpected \"}\""),
        ("events {}", "block directives are not supported in -g option"),
        (";", "unexpected \";\""),
        ("daemon \"off", "unexpected end of parameter, expecting \";\""),
        ("daemon \"off\"x;", "unexpected \"x\""),
        ("daemon off;;", "unexpected \";\""),
    ])
    func commandLineErrorsMatchNginx(text: String, message: String) {
        let error = parseError(text, fileName: SourceLocation.commandLineFile)
        #expect(error == ConfigDiagnostic(.emerg, message, at: .commandLine))
        #expect(error?.description == "[emerg] \(message) in command line")
    }

    @Test func globalDirectivesComeFirstWithCommandLineLocation() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("swhost.conf", "events {}\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: "daemon off; worker_processes\n 2;")
        #expect(parsed.directives.map(\.summary) == ["daemon off", "worker_processes 2", "events"])
        #expect(parsed.directives[0].location == .commandLine)
        #expect(parsed.directives[1].endLocation == .commandLine)
        #expect(parsed.directives[2].location == SourceLocation(file: main, line: 1))
        #expect(parsed.files.map(\.path) == [main])
    }

    @Test func globalDirectiveErrorsComeBeforeTheFileIsRead() throws {
        let dir = try TemporaryConfigDirectory()
        #expect(throws: ConfigDiagnostic(.emerg, "unexpected \"}\"", at: .commandLine)) {
            try ConfigParser.parse(mainFile: dir.path + "/absent.conf", globalDirectives: "}")
        }
    }

    @Test func commandLineIncludeResolvesAgainstConfDirectory() throws {
        let dir = try TemporaryConfigDirectory()
        let main = try dir.write("etc/swhost.conf", "events {}\n")
        try dir.write("etc/extra.conf", "pid run/x.pid;\n")
        let parsed = try ConfigParser.parse(mainFile: main, globalDirectives: "include extra.conf;")
        #expect(parsed.directives.map(\.summary) == ["pid run/x.pid", "events"])
        #expect(parsed.files.map(\.path) == [dir.path + "/etc/extra.conf", main])
    }
}
