// swhost: static files.

extension Autoindex {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// nginx 1.22's `NGX_ESCAPE_URI_COMPONENT`: everything but unreserved characters
    /// (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, uppercase hex.
    static func escapeURIComponent(_ s: [UInt8], into out: inout [UInt8]) {
        for b in s {
            let unreserved = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
            if unreserved {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xf)])
            }
        }
    }

    /// `ngx_escape_html`: `<`, `>`, `&`, `"`.
    static func escapeHTML(_ s: some Sequence<UInt8>, into out: inout [UInt8]) {
        for b in s {
            switch b {
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            default: out.append(b)
            }
        }
    }

    /// `ngx_escape_json`: `"` and `\` backslashed, control characters as `\n`-style or `\u00XX`.
    static func escapeJSON(_ s: [UInt8], into out: inout [UInt8]) {
        for b in s {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x0a: out.append(contentsOf: "\\n".utf8)
            case 0x0c: out.append(contentsOf: "\\f".utf8)
            case 0x0d: out.append(contentsOf: "\\r".utf8)
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xf)])
            default: out.append(b)
            }
        }
    }

    /// Byte lengths of each UTF-8 character of `s`, or nil when `s` is not valid UTF-8
    /// (nginx then counts bytes: `ngx_utf8_length` returns the byte length).
    static func utf8CharacterLengths(_ s: [UInt8]) -> [Int]? {
        var lengths: [Int] = []
        lengths.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let b = s[i]
            let n: Int
            if b < 0x80 { n = 1 } else if b & 0xE0 == 0xC0 { n = 2 } else if b & 0xF0 == 0xE0 { n = 3 } else if b & 0xF8 == 0xF0 { n = 4 } else { return nil }
            if i + n > s.count { return nil }
            for k in 1..<max(n, 1) where s[i + k] & 0xC0 != 0x80 { return nil }
            lengths.append(n)
            i += n
        }
        return lengths
    }
}
