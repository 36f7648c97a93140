import Testing
@testable import SWHostConfig

/// The lexer against nginx 1.22's `ngx_conf_read_token` (src/core/ngx_conf_file.c); every
/// message below was taken from `nginx -t` on the same input.
@Suite struct SyntaxLexerTests {
    @Test func splitsWordsAndPunctuation() throws {
        let tokens = try lexTokens("a b;\nc {\n}\n")
        let l1 = SourceLocation(file: "/t.conf", line: 1)
        let l2 = SourceLocation(file: "/t.conf", line: 2)
        let l3 = SourceLocation(file: "/t.conf", line: 3)
        #expect(
            tokens == [
                .word(ConfigArgument("a", location: l1)), .word(ConfigArgument("b", location: l1)), .semicolon(l1),
                .word(ConfigArgument("c", location: l2)), .blockStart(l2), .blockEnd(l3),
                .endOfInput(SourceLocation(file: "/t.conf", line: 4)),
            ])
    }

    @Test(arguments: [
        // nginx keeps \" \' \\ as the character, turns \t \r \n into controls, keeps other sequences.
        (#"a "x\"y";"#, #"x"y"#),
        (#"a 'x\'y';"#, "x'y"),
        (#"a "x\\y";"#, #"x\y"#),
        (#"a "x\ty\rz\n";"#, "x\ty\rz\n"),
        (#"a ~\.php$;"#, #"~\.php$"#),
        (#"a "\d+";"#, #"\d+"#),
        (#"a x\ y;"#, #"x\ y"#),
        (#"a x\;y;"#, #"x\;y"#),
        ("a 'it''s';", "it"),
    ])
    func processesEscapesLikeNginx(input: String, expected: String) throws {
        if input == "a 'it''s';" {
            // Two quoted strings with no space between them are an error in nginx.
            #expect(throws: ConfigDiagnostic(.emerg, "unexpected \"'\"", at: SourceLocation(file: "/t.conf", line: 1))) {
                try lexTokens(input)
            }
            return
        }
        #expect(try lexWords(input) == ["a", expected])
    }

    @Test func marksQuotedArgumentsAndKeepsEmptyOnes() throws {
        let tokens = try lexTokens(#"a "" '' b "c";"#)
        let words = tokens.compactMap { token -> ConfigArgument? in
            if case .word(let w) = token { return w }
            return nil
        }
        #expect(words.map(\.value) == ["a", "", "", "b", "c"])
        #expect(words.map(\.isQuoted) == [false, true, true, false, true])
    }

    @Test func keepsVariablesAsTextAndBraceAfterDollarInWord() throws {
        #expect(try lexWords("set $a ${host}x$uri;") == ["set", "$a", "${host}x$uri"])
        #expect(try lexWords(#"return 200 "${scheme}://$host";"#) == ["return", "200", "${scheme}://$host"])
        // A `{` not right after `$` ends the word and opens a block, as in nginx.
        let tokens = try lexTokens("location a{ }")
        #expect(tokens.count == 5)
        #expect(tokens[2] == .blockStart(SourceLocation(file: "/t.conf", line: 1)))
    }

    @Test func braceAndQuoteInsideWordAreLiteral() throws {
        #expect(try lexWords("a b}c d\"e;") == ["a", "b}c", "d\"e"])
    }

    @Test func parenthesisMayFollowQuoteWithoutSpace() throws {
        // nginx's exception for `if ($a = "x")`: `)` starts the next word.
        #expect(try lexWords(#"if ($a = "x") {"# + "}") == ["if", "($a", "=", "x", ")"])
    }

    @Test func skipsCommentsToEndOfLine() throws {
        #expect(try lexWords("# comment ; {\na b; # trailing }\n#last") == ["a", "b"])
        #expect(try lexWords("a b#c;") == ["a", "b#c"])
    }

    @Test func wordLocationIsItsFirstLineAndPunctuationItsOwn() throws {
        let tokens = try lexTokens("a\n\"b\nc\"\n;")
        guard case .word(let quoted) = tokens[1] else {
            Issue.record("expected a word")
            return
        }
        #expect(quoted.value == "b\nc")
        #expect(quoted.location.line == 2)
        #expect(tokens[2] == .semicolon(SourceLocation(file: "/t.conf", line: 4)))
    }

    @Test func crAndTabSeparateWords() throws {
        #expect(try lexWords("a\tb\r\nc;") == ["a", "b", "c"])
    }

    @Test func commandLineTokensHaveNoLine() throws {
        let tokens = try lexTokens("daemon off;", origin: .commandLine)
        #expect(tokens.first == .word(ConfigArgument("daemon", location: .commandLine)))
    }

    @Test(arguments: [
        ("a \"1\"x;", "unexpected \"x\"", 1),
        ("a \"1\"}", "unexpected \"}\"", 1),
        ("a 1 }", "unexpected \"}\"", 1),
        ("\n;", "unexpected \";\"", 2),
        ("{", "unexpected \"{\"", 1),
        ("a;;", "unexpected \";\"", 1),
        ("a \"b", "unexpected end of file, expecting \";\" or \"}\"", 1),
        ("a 'b\n\n", "unexpected end of file, expecting \";\" or \"}\"", 3),
        ("a b", "unexpected end of file, expecting \";\" or \"}\"", 1),
        ("a\n", "unexpected end of file, expecting \";\" or \"}\"", 2),
    ])
    func reportsSyntaxErrorsAtNginxLine(input: String, message: String, line: Int) {
        #expect(throws: ConfigDiagnostic(.emerg, message, at: SourceLocation(file: "/t.conf", line: line))) {
            try lexTokens(input)
        }
    }

    @Test func commandLineEndIsEndOfParameter() {
        #expect(throws: ConfigDiagnostic(.emerg, "unexpected end of parameter, expecting \";\"", at: .commandLine)) {
            try lexTokens("daemon off", origin: .commandLine)
        }
    }

    /// nginx reads through a 4096-byte buffer: a token (from its first byte through the byte read
    /// after it) that does not fit is an error, even a comment. Boundaries checked with nginx -t.
    @Test func enforcesNginxTokenBufferLimit() throws {
        let fits = String(repeating: "x", count: 4095)
        #expect(try lexWords(fits + ";\n") == [fits])
        #expect(throws: ConfigDiagnostic(.emerg, "too long parameter \"xxxxxxxxxx...\" started", at: SourceLocation(file: "/t.conf", line: 1))) {
            try lexTokens(fits + " ;\n")
        }
        #expect(throws: ConfigDiagnostic(.emerg, "too long parameter \"xxxxxxxxxx...\" started", at: SourceLocation(file: "/t.conf", line: 1))) {
            try lexTokens(fits + "x;\n")
        }
        // At the very end of the file there is nothing left to buffer: nginx reports the end instead.
        #expect(throws: ConfigDiagnostic(.emerg, "unexpected end of file, expecting \";\" or \"}\"", at: SourceLocation(file: "/t.conf", line: 1))) {
            try lexTokens("a " + String(repeating: "y", count: 4096))
        }
        #expect(throws: ConfigDiagnostic(.emerg, "too long parameter \"yyyyyyyyyy...\" started", at: SourceLocation(file: "/t.conf", line: 1))) {
            try lexTokens("a " + String(repeating: "y", count: 4097))
        }
        // -g text is not buffered: no limit.
        var lexer = ConfigLexer(text: "a " + String(repeating: "y", count: 5000) + ";", fileName: "x", origin: .commandLine)
        #expect(try lexer.allTokens().count == 4)
    }

    /// Boundaries measured with nginx -t: `#` + 4094 bytes + LF fits, one more byte does not; a
    /// quoted word's window starts after its opening quote and includes the byte read after it.
    @Test(arguments: [
        ("#" + String(repeating: "c", count: 4094) + "\na b;\n", nil),
        ("#" + String(repeating: "c", count: 4095) + "\na b;\n", "too long parameter \"#ccccccccc...\" started"),
        ("a \"" + String(repeating: "q", count: 4093) + "\" ;\n", nil),
        ("a \"" + String(repeating: "q", count: 4094) + "\" ;\n", "too long parameter \"qqqqqqqqqq...\" started"),
    ] as [(String, String?)])
    func commentAndQuotedWordBufferBoundaries(text: String, message: String?) {
        do {
            _ = try lexTokens(text)
            #expect(message == nil)
        } catch {
            #expect(error == ConfigDiagnostic(.emerg, message ?? "no error", at: SourceLocation(file: "/t.conf", line: 1)))
        }
    }

    @Test func tooLongQuotedNamesTheMissingQuoteAtItsLine() {
        let text = "a\nb \"" + String(repeating: "z", count: 5000) + "\n"
        #expect(throws: ConfigDiagnostic(.emerg, "too long parameter, probably missing terminating \"\"\" character", at: SourceLocation(file: "/t.conf", line: 2))) {
            try lexTokens(text)
        }
    }

    @Test func keepsUTF8Intact() throws {
        #expect(try lexWords("add_header X-Name \"café ☕\";") == ["add_header", "X-Name", "café ☕"])
    }
}
