// swhost: static files.

import SWHostHTTPCore

#if canImport(Glibc)
import Glibc
#endif

extension Autoindex {
    /// nginx's `NGX_HTTP_AUTOINDEX_NAME_LEN`: the name column width, in characters.
    static let nameColumn = 50

    /// The html listing, byte for byte as nginx 1.22 (`ngx_http_autoindex_html`): names longer
    /// than 50 characters cut to 47 plus `..&gt;`, lengths in bytes or, with `options.utf8`, characters, hrefs
    /// percent-encoded, dates `dd-Mon-yyyy hh:mm` (UTC unless `localTime`), sizes `%19O` or
    /// nginx's rounded K/M/G.
    public static func html(_ entries: [Entry], uri: String, options: Options = Options()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(300 + entries.count * 140)
        let escapedURI: [UInt8] = {
            var e: [UInt8] = []
            escapeHTML(uri.utf8, into: &e)
            return e
        }()
        out.append(contentsOf: "<html>\r\n<head><title>Index of ".utf8)
        out.append(contentsOf: escapedURI)
        out.append(contentsOf: "</title></head>\r\n<body>\r\n<h1>Index of ".utf8)
        out.append(contentsOf: escapedURI)
        out.append(contentsOf: "</h1><hr><pre><a href=\"../\">../</a>\r\n".utf8)
        for e in entries {
            out.append(contentsOf: "<a href=\"".utf8)
            escapeURIComponent(e.name, into: &out)
            if e.isDirectory { out.append(UInt8(ascii: "/")) }
            out.append(contentsOf: "\">".utf8)

            // Characters when the response is UTF-8 and the name valid UTF-8 (ngx_utf8_length),
            // else bytes.
            let charLengths = options.utf8 ? utf8CharacterLengths(e.name) : nil
            var len = charLengths?.count ?? e.name.count
            let keep = len > nameColumn ? nameColumn - 3 : len
            let keptBytes: Int
            if let charLengths {
                keptBytes = charLengths.prefix(keep).reduce(0, +)
            } else {
                keptBytes = keep
            }
            escapeHTML(e.name[0..<keptBytes], into: &out)
            if len > nameColumn {
                out.append(contentsOf: "..&gt;</a>".utf8)
            } else {
                if e.isDirectory && nameColumn - len > 0 {
                    out.append(UInt8(ascii: "/"))
                    len += 1
                }
                out.append(contentsOf: "</a>".utf8)
                if nameColumn - len > 0 {
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: nameColumn - len))
                }
            }
            out.append(UInt8(ascii: " "))

            let c = HTTPDate.Components(epochSeconds: e.mtime + (options.localTime ? localOffset(e.mtime) : 0))
            out.append(contentsOf: "\(pad2(c.day))-\(HTTPDate.monthNames[c.month - 1])-\(c.year) \(pad2(c.hour)):\(pad2(c.minute)) ".utf8)

            if options.exactSize {
                if e.isDirectory {
                    out.append(contentsOf: "                  -".utf8)
                } else {
                    out.append(contentsOf: leftPad(String(e.size), 19).utf8)
                }
            } else if e.isDirectory {
                out.append(contentsOf: "      -".utf8)
            } else {
                out.append(contentsOf: humanSize(e.size).utf8)
            }
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "</pre><hr></body>\r\n</html>\r\n".utf8)
        return out
    }

    /// `autoindex_exact_size off`: nginx's rounding to K/M/G (1024-based, half up).
    static func humanSize(_ length: Int64) -> String {
        let g: Int64 = 1024 * 1024 * 1024
        let m: Int64 = 1024 * 1024
        var size: Int64
        let scale: String
        if length > g - 1 {
            size = length / g
            if length % g > g / 2 - 1 { size += 1 }
            scale = "G"
        } else if length > m - 1 {
            size = length / m
            if length % m > m / 2 - 1 { size += 1 }
            scale = "M"
        } else if length > 9999 {
            size = length / 1024
            if length % 1024 > 511 { size += 1 }
            scale = "K"
        } else {
            return " " + leftPad(String(length), 6)
        }
        return leftPad(String(size), 6) + scale
    }

    private static func pad2(_ v: Int) -> String {
        v < 10 ? "0\(v)" : String(v)
    }

    private static func leftPad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// Seconds east of UTC at `t` in the local time zone (TZ / /etc/localtime).
    static func localOffset(_ t: Int64) -> Int64 {
        var tt = time_t(t)
        var tmv = tm()
        guard localtime_r(&tt, &tmv) != nil else { return 0 }
        return Int64(tmv.tm_gmtoff)
    }
}
