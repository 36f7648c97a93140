// swhost: config language.

/// One token of nginx config syntax, as ``ConfigLexer`` produces it.
///
/// Words are whole arguments (quotes removed, escapes processed, `$var` and `${var}` kept as
/// text); the punctuation tokens end a directive's head or a block.
enum ConfigToken: Sendable, Hashable {
    /// A directive name or argument.
    case word(ConfigArgument)
    /// `;`: the end of a simple directive.
    case semicolon(SourceLocation)
    /// `{`: the start of a directive's block.
    case blockStart(SourceLocation)
    /// `}`: the end of the current block.
    case blockEnd(SourceLocation)
    /// The end of the file or of the `-g` text; the location is the line after the last newline.
    case endOfInput(SourceLocation)
}
