// swhost: static files.

import SWHostHTTPCore

extension Autoindex {
    /// The json listing as nginx 1.22 writes it (`ngx_http_autoindex_json`):
    /// `[` then one `\r\n{ "name":"x", "type":"file", "mtime":"<IMF-fixdate>", "size":N }` per
    /// entry, comma-separated, then `\r\n]`. `type` is `directory`, `file` or `other`; only files
    /// carry a size. With `callback`, the jsonp form `/* callback */\r\ncallback(...);`.
    public static func json(_ entries: [Entry], callback: String? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + entries.count * 110)
        if let callback {
            // nginx's ngx_http_autoindex_json writes this comment line before the callback.
            out.append(contentsOf: "/* callback */\r\n".utf8)
            out.append(contentsOf: callback.utf8)
            out.append(UInt8(ascii: "("))
        }
        out.append(UInt8(ascii: "["))
        for (i, e) in entries.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "\r\n{ \"name\":\"".utf8)
            escapeJSON(e.name, into: &out)
            out.append(contentsOf: "\", \"type\":\"".utf8)
            out.append(contentsOf: (e.isDirectory ? "directory" : e.isFile ? "file" : "other").utf8)
            out.append(contentsOf: "\", \"mtime\":\"".utf8)
            out.append(contentsOf: HTTPDate.format(e.mtime).utf8)
            if e.isFile {
                out.append(contentsOf: "\", \"size\":".utf8)
                out.append(contentsOf: String(e.size).utf8)
            } else {
                out.append(UInt8(ascii: "\""))
            }
            out.append(contentsOf: " }".utf8)
        }
        out.append(contentsOf: "\r\n]".utf8)
        if callback != nil { out.append(contentsOf: ");".utf8) }
        return out
    }
}
