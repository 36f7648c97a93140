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
        // The head being read: its name, then its arguments (a fresh array per directive, handed
        // over without copying).
        var name: ConfigArgument?
        var arguments: [ConfigArgument] = []
        while true {
            switch try lexer.next() {
            case .word(let word):
                if name == nil { name = word } else { arguments.append(word) }

            case .semicolon(let end):
                // The lexer never ends an empty directive head (`;` alone is `unexpected ";"`).
                guard let head = name else { preconditionFailure("lexer ended an empty directive") }
                if head.value == "include" {
                    guard arguments.count == 1 else {
                        throw ConfigDiagnostic(.emerg, "invalid number of arguments in \"include\" directive", at: end)
                    }
                    directives += try session.include(arguments[0].value, at: end)
                } else {
                    directives.append(
                        ConfigDirective(
                            name: head.value, arguments: arguments, block: nil, location: head.location,
                            endLocation: end))
                }
                name = nil
                arguments = []

            case .blockStart(let end):
                if lexer.origin == .commandLine {
                    throw ConfigDiagnostic(.emerg, "block directives are not supported in -g option", at: end)
                }
                guard let head = name else { preconditionFailure("lexer opened a block without a name") }
                if head.value == "include" {
                    throw ConfigDiagnostic(.emerg, "directive \"include\" is not terminated by \";\"", at: end)
                }
                guard depth < maximumNesting else {
                    throw ConfigDiagnostic(.emerg, "too many nested blocks (more than \(maximumNesting))", at: end)
                }
                let headArguments = arguments
                name = nil
                arguments = []
                let children = try parseBlock(&lexer, depth: depth + 1, session: &session)
                directives.append(
                    ConfigDirective(
                        name: head.value, arguments: headArguments, block: children,
                        location: head.location, endLocation: end))

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
