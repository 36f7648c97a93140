// swhost: static files.

/// Extension → media type, as nginx's `types { ... }` block (and `mime.types`) defines it.
///
/// Lookups are case-insensitive like nginx (it lowercases the request's extension before the
/// hash lookup). When an extension is listed twice the later type wins, as in nginx (which
/// warns "duplicate extension"). Immutable after construction: share one per config generation.
public struct MIMETypeMap: Sendable {
    private var table: [String: String]

    /// Builds the map from the config's `(type, [extensions])` pairs, in file order.
    public init(_ pairs: [(type: String, extensions: [String])]) {
        var t: [String: String] = [:]
        for (type, exts) in pairs {
            for e in exts { t[Self.lowercased(e)] = type }
        }
        table = t
    }

    /// Number of extensions.
    public var count: Int { table.count }

    /// The type for an extension (without the dot), or nil.
    public func type(forExtension ext: Substring) -> String? {
        if let t = table[String(ext)] { return t }
        let lower = Self.lowercased(ext)
        return table[lower]
    }

    /// The type for the extension of the last segment of `path`, or nil (no extension or unknown).
    public func type(forPath path: String) -> String? {
        guard let ext = Self.pathExtension(path) else { return nil }
        return type(forExtension: ext)
    }

    /// nginx's `$exten`: what follows the last `.` of the last path segment (`/a.b/c` has none;
    /// `/x.tar.gz` has `gz`; `/.htaccess` has `htaccess`). nil when absent or empty.
    public static func pathExtension(_ path: String) -> Substring? {
        let u = path.utf8
        var i = u.endIndex
        while i > u.startIndex {
            let j = u.index(before: i)
            let b = u[j]
            if b == UInt8(ascii: "/") { return nil }
            if b == UInt8(ascii: ".") {
                return i == u.endIndex ? nil : Substring(path[i...])
            }
            i = j
        }
        return nil
    }

    private static func lowercased(_ s: some StringProtocol) -> String {
        // ASCII-only, like nginx's ngx_tolower.
        String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
