// swhost: config language.

/// Turns tokens into directives and blocks, nginx's `ngx_conf_parse` loop minus the directive
/// handlers: block structure errors and the `include` directive, expanded in place.
enum ConfigTreeBuilder {
    /// Deeper nesting is refused rather than risking the stack on hostile input (nginx has no limit).
    static let maximumNesting = 256

    /// Parses a whole file or `-g` text (not inside a block: a `}` there is unexpected).
    static func parse(_ lexer: inout ConfigLexer, session: inout ConfigLoadSession) throws(ConfigDiagnostic)
        -> [ConfigDirective]
    {
        try parseBlock(&lexer, depth: 0, session: &session)
    }

    private static func parseBlock(_ lexer: inout ConfigLexer, depth: Int, session: inout ConfigLoadSession)
        throws(ConfigDiagnostic) -> [ConfigDirective]
    {
        var directives: [ConfigDirective] = []
        var words: [ConfigArgument] = []
        while true {
            switch try lexer.next() {
            case .word(let word):
                words.append(word)

            case .semicolon(let end):
                // The lexer never ends an empty directive head (`;` alone is `unexpected ";"`).
                let name = words[0]
                if name.value == "include" {
                    guard words.count == 2 else {
                        throw ConfigDiagnostic(.emerg, "invalid number of arguments in \"include\" directive", at: end)
                    }
                    directives += try session.include(words[1].value, at: end)
                } else {
                    directives.append(
                        ConfigDirective(
                            name: name.value, arguments: Array(words.dropFirst()), block: nil,
                            location: name.location, endLocation: end))
                }
                words.removeAll(keepingCapacity: true)

            case .blockStart(let end):
                if lexer.origin == .commandLine {
                    throw ConfigDiagnostic(.emerg, "block directives are not supported in -g option", at: end)
                }
                let name = words[0]
                if name.value == "include" {
                    throw ConfigDiagnostic(.emerg, "directive \"include\" is not terminated by \";\"", at: end)
                }
                guard depth < maximumNesting else {
                    throw ConfigDiagnostic(.emerg, "too many nested blocks (more than \(maximumNesting))", at: end)
                }
                let arguments = Array(words.dropFirst())
                words.removeAll(keepingCapacity: true)
                let children = try parseBlock(&lexer, depth: depth + 1, session: &session)
                directives.append(
                    ConfigDirective(
                        name: name.value, arguments: arguments, block: children,
                        location: name.location, endLocation: end))

            case .blockEnd(let location):
                guard depth > 0 else { throw ConfigDiagnostic(.emerg, "unexpected \"}\"", at: location) }
                return directives

            case .endOfInput(let location):
                guard depth == 0 else {
                    throw ConfigDiagnostic(.emerg, "unexpected end of file, expecting \"}\"", at: location)
                }
                return directives
            }
        }
    }
}
