// swhost: config language.

/// Splits nginx config text into ``ConfigToken``s, byte by byte over UTF-8.
///
/// This is nginx 1.22's `ngx_conf_read_token` state machine, kept close to the original so that
/// every edge case and message matches: what ends a word, when a quote must be followed by a
/// space, the `)` exception after a quoted word, `{` after `$` staying in the word (`${var}`), and
/// nginx's 4096-byte read buffer, which makes a longer token (or comment) an error
/// (`too long parameter ...`). Syntax errors that need directive context (`unexpected "}"` at the
/// top level, a block in `-g`) are the parser's.
struct ConfigLexer {
    /// Where the text came from, which changes two messages.
    enum Origin: Sendable {
        /// A config file: end of input is `unexpected end of file`; tokens are limited to nginx's buffer.
        case file
        /// The `-g` option: end of input is `unexpected end of parameter`; locations are ``SourceLocation/commandLine``.
        case commandLine
    }

    /// nginx's `NGX_CONF_BUFFER`: a token (from its first byte to the byte read after it) must fit.
    static let bufferSize = 4096

    let bytes: [UInt8]
    let fileName: String
    let origin: Origin

    /// The next byte to read (nginx's `b->pos`, as an offset into the whole file).
    private(set) var position = 0
    /// The current 1-based line (nginx's `cf->conf_file->line`).
    private(set) var line = 1

    // nginx's read_token state, kept across tokens of one directive head.
    private var start = 0
    private var startLine = 1
    private var wordsInStatement = 0
    private var needSpace = false
    private var lastSpace = true
    private var sharpComment = false
    private var variable = false
    private var escaped = false
    private var doubleQuoted = false
    private var singleQuoted = false
    private var wordIsQuoted = false
    /// Whether the word being read was opened with a quote (for ``makeWord(from:to:line:)``).
    var wordIsQuotedNow: Bool { wordIsQuoted }
    /// A `;` or `{` read together with the word before it, returned by the next call.
    private var pending: ConfigToken?
    /// Set after `;`, `{` or `}`: the next call starts a new directive head (a new `read_token`).
    private var statementEnded = true

    init(bytes: [UInt8], fileName: String, origin: Origin = .file) {
        self.bytes = bytes
        self.fileName = fileName
        self.origin = origin
    }

    init(text: String, fileName: String, origin: Origin = .file) {
        self.init(bytes: Array(text.utf8), fileName: fileName, origin: origin)
    }

    /// The location of the current line, as nginx reports errors.
    var currentLocation: SourceLocation { location(line: line) }

    func location(line: Int) -> SourceLocation {
        origin == .commandLine ? .commandLine : SourceLocation(file: fileName, line: line)
    }

    /// Returns every token up to and including ``ConfigToken/endOfInput(_:)``.
    mutating func allTokens() throws(ConfigDiagnostic) -> [ConfigToken] {
        var tokens: [ConfigToken] = []
        while true {
            let token = try next()
            tokens.append(token)
            if case .endOfInput = token { return tokens }
        }
    }

    /// Reads the next token.
    mutating func next() throws(ConfigDiagnostic) -> ConfigToken {
        if let token = pending {
            pending = nil
            return token
        }
        if statementEnded {
            statementEnded = false
            wordsInStatement = 0
            needSpace = false
            lastSpace = true
            sharpComment = false
            variable = false
            escaped = false
            doubleQuoted = false
            singleQuoted = false
            start = position
            startLine = line
        }
        return try scan()
    }

    private func error(_ message: String, line: Int) -> ConfigDiagnostic {
        ConfigDiagnostic(.emerg, message, at: location(line: line))
    }

    private mutating func endStatement(_ token: ConfigToken) -> ConfigToken {
        statementEnded = true
        return token
    }

    // The body mirrors ngx_conf_read_token; comments name the nginx state each branch handles.
    private mutating func scan() throws(ConfigDiagnostic) -> ConfigToken {
        let count = bytes.count
        while true {
            // nginx refills its 4096-byte buffer from `start`; a token that fills it is "too long".
            if origin == .file && position - start == Self.bufferSize && position < count {
                throw tooLong()
            }
            if position >= count {
                if wordsInStatement > 0 || !lastSpace {
                    throw error(
                        origin == .file
                            ? "unexpected end of file, expecting \";\" or \"}\""
                            : "unexpected end of parameter, expecting \";\"",
                        line: line)
                }
                return endStatement(.endOfInput(currentLocation))
            }

            let ch = bytes[position]
            position += 1

            if ch == ConfigByte.lf {
                line += 1
                sharpComment = false
            }
            if sharpComment {
                skipComment()
                continue
            }
            if escaped {
                escaped = false
                continue
            }

            if needSpace {
                // After a closing quote only a space, `;`, `{` (or nginx's `)` exception) may follow.
                if ConfigByte.isSpace(ch) {
                    lastSpace = true
                    needSpace = false
                    continue
                }
                if ch == ConfigByte.semicolon { return endStatement(.semicolon(currentLocation)) }
                if ch == ConfigByte.openBrace { return endStatement(.blockStart(currentLocation)) }
                guard ch == ConfigByte.closeParen else { throw unexpected(ch) }
                lastSpace = true
                needSpace = false
            }

            if lastSpace {
                start = position - 1
                startLine = line
                if ConfigByte.isSpace(ch) { continue }
                switch ch {
                case ConfigByte.semicolon, ConfigByte.openBrace:
                    guard wordsInStatement > 0 else { throw unexpected(ch) }
                    return endStatement(ch == ConfigByte.semicolon ? .semicolon(currentLocation) : .blockStart(currentLocation))
                case ConfigByte.closeBrace:
                    guard wordsInStatement == 0 else { throw unexpected(ch) }
                    return endStatement(.blockEnd(currentLocation))
                case ConfigByte.hash:
                    sharpComment = true
                case ConfigByte.backslash:
                    escaped = true
                    lastSpace = false
                    wordIsQuoted = false
                case ConfigByte.doubleQuote:
                    start += 1
                    doubleQuoted = true
                    lastSpace = false
                    wordIsQuoted = true
                case ConfigByte.singleQuote:
                    start += 1
                    singleQuoted = true
                    lastSpace = false
                    wordIsQuoted = true
                case ConfigByte.dollar:
                    variable = true
                    lastSpace = false
                    wordIsQuoted = false
                default:
                    lastSpace = false
                    wordIsQuoted = false
                }
                continue
            }

            // Inside a word.
            if ch == ConfigByte.openBrace && variable { continue }
            variable = false
            if ch == ConfigByte.backslash {
                escaped = true
                continue
            }
            if ch == ConfigByte.dollar {
                variable = true
                continue
            }

            var found = false
            if doubleQuoted {
                if ch == ConfigByte.doubleQuote {
                    doubleQuoted = false
                    needSpace = true
                    found = true
                }
            } else if singleQuoted {
                if ch == ConfigByte.singleQuote {
                    singleQuoted = false
                    needSpace = true
                    found = true
                }
            } else if ConfigByte.isSpace(ch) || ch == ConfigByte.semicolon || ch == ConfigByte.openBrace {
                lastSpace = true
                found = true
            }
            guard found else {
                skipPlainWordBytes()
                continue
            }

            let word = makeWord(from: start, to: position - 1, line: startLine)
            wordsInStatement += 1
            if ch == ConfigByte.semicolon {
                pending = endStatement(.semicolon(currentLocation))
            } else if ch == ConfigByte.openBrace {
                pending = endStatement(.blockStart(currentLocation))
            }
            return .word(word)
        }
    }

    /// The first offset the fast loops below must not pass: the end of input, or the byte at
    /// which nginx's buffer would be full (so the slow path raises `too long parameter`).
    private var fastLimit: Int {
        origin == .file ? min(bytes.count, start + Self.bufferSize) : bytes.count
    }

    /// Skips comment bytes up to (not including) the next LF, which the main loop handles.
    private mutating func skipComment() {
        let limit = fastLimit
        while position < limit && bytes[position] != ConfigByte.lf { position += 1 }
    }

    /// Skips bytes that cannot change the state inside a word: everything but separators,
    /// `;`, `{`, `\`, `$` and LF in a bare word; everything but the closing quote, `\`, `$`
    /// and LF in a quoted one. The main loop then sees the next interesting byte.
    private mutating func skipPlainWordBytes() {
        let limit = fastLimit
        if doubleQuoted || singleQuoted {
            let quote = doubleQuoted ? ConfigByte.doubleQuote : ConfigByte.singleQuote
            while position < limit {
                let byte = bytes[position]
                if byte == quote || byte == ConfigByte.backslash || byte == ConfigByte.dollar || byte == ConfigByte.lf {
                    return
                }
                position += 1
            }
        } else {
            while position < limit {
                let byte = bytes[position]
                if ConfigByte.isSpace(byte) || byte == ConfigByte.semicolon || byte == ConfigByte.openBrace
                    || byte == ConfigByte.backslash || byte == ConfigByte.dollar
                {
                    return
                }
                position += 1
            }
        }
    }

    private func unexpected(_ ch: UInt8) -> ConfigDiagnostic {
        error("unexpected \"\(String(decoding: CollectionOfOne(ch), as: UTF8.self))\"", line: line)
    }

    private func tooLong() -> ConfigDiagnostic {
        if doubleQuoted {
            return error("too long parameter, probably missing terminating \"\"\" character", line: startLine)
        }
        if singleQuoted {
            return error("too long parameter, probably missing terminating \"'\" character", line: startLine)
        }
        let head = String(decoding: bytes[start..<min(start + 10, bytes.count)], as: UTF8.self)
        return error("too long parameter \"\(head)...\" started", line: startLine)
    }
}
