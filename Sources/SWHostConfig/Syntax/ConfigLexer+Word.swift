// swhost: config language.

extension ConfigLexer {
    /// Builds the argument for the bytes `from..<to` (quotes already excluded), processing
    /// escapes as nginx does: `\"`, `\'` and `\\` drop the backslash; `\t`, `\r` and `\n` become
    /// the control character; any other backslash sequence is kept as written (so regexes such as
    /// `\.php$` and `\d` reach the regex compiler unchanged).
    func makeWord(from: Int, to: Int, line: Int) -> ConfigArgument {
        let here = location(line: line)
        let raw = bytes[from..<to]
        guard raw.contains(ConfigByte.backslash) else {
            return ConfigArgument(String(decoding: raw, as: UTF8.self), isQuoted: wordIsQuotedNow, location: here)
        }
        var out: [UInt8] = []
        out.reserveCapacity(to - from)
        var index = from
        while index < to {
            let byte = bytes[index]
            if byte == ConfigByte.backslash && index + 1 < to {
                switch bytes[index + 1] {
                case ConfigByte.doubleQuote, ConfigByte.singleQuote, ConfigByte.backslash:
                    index += 1
                case UInt8(ascii: "t"):
                    out.append(ConfigByte.tab)
                    index += 2
                    continue
                case UInt8(ascii: "r"):
                    out.append(ConfigByte.cr)
                    index += 2
                    continue
                case UInt8(ascii: "n"):
                    out.append(ConfigByte.lf)
                    index += 2
                    continue
                default:
                    break
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return ConfigArgument(String(decoding: out, as: UTF8.self), isQuoted: wordIsQuotedNow, location: here)
    }
}

/// The bytes that matter to nginx config syntax (computed, not stored: stored statics are lazily
/// initialised globals and cost an accessor call per byte in the lexer loop).
enum ConfigByte {
    @inline(__always) static var tab: UInt8 { UInt8(ascii: "\t") }
    @inline(__always) static var lf: UInt8 { UInt8(ascii: "\n") }
    @inline(__always) static var cr: UInt8 { UInt8(ascii: "\r") }
    @inline(__always) static var space: UInt8 { UInt8(ascii: " ") }
    @inline(__always) static var semicolon: UInt8 { UInt8(ascii: ";") }
    @inline(__always) static var openBrace: UInt8 { UInt8(ascii: "{") }
    @inline(__always) static var closeBrace: UInt8 { UInt8(ascii: "}") }
    @inline(__always) static var closeParen: UInt8 { UInt8(ascii: ")") }
    @inline(__always) static var hash: UInt8 { UInt8(ascii: "#") }
    @inline(__always) static var backslash: UInt8 { UInt8(ascii: "\\") }
    @inline(__always) static var doubleQuote: UInt8 { UInt8(ascii: "\"") }
    @inline(__always) static var singleQuote: UInt8 { UInt8(ascii: "'") }
    @inline(__always) static var dollar: UInt8 { UInt8(ascii: "$") }

    /// nginx's separators between words: space, tab, CR and LF.
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == cr || byte == lf }
}
