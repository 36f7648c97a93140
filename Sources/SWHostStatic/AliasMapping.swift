// swhost: static files.

/// nginx's `alias` for a prefix location, mapped onto (root directory, path under it) for
/// ``PathResolver`` instead of nginx's string concatenation.
///
/// nginx builds `alias + uri[prefix.count...]` as one string, so `location /i { alias /data/w/; }`
/// turns `/i../x` into `/data/w/../x` (the well-known alias traversal), and
/// `location /i { alias /data/w; }` turns `/ifoo` into the sibling `/data/wfoo`. Here the alias
/// is always a directory the request cannot leave: the remainder becomes a path resolved
/// beneath it (so `..` is refused by the resolver), and a remainder that would glue onto the
/// alias's last component (`/data/w` + `foo`) maps to nothing (404). A file alias (remainder
/// empty, `location = /favicon.ico { alias /data/f.ico; }`) resolves the file in its directory.
public struct AliasMapping: Sendable, Hashable {
    /// The location's prefix (`/i/`, `/static`).
    public let locationPrefix: String
    /// The `alias` argument (absolute, after prefix resolution).
    public let alias: String

    public init(locationPrefix: String, alias: String) {
        self.locationPrefix = locationPrefix
        self.alias = alias
    }

    /// Where `uri` (decoded, normalised) lives: a root for ``PathResolver`` and the path under
    /// it. nil when `uri` is outside the prefix or would need nginx's cross-component concatenation.
    public func map(_ uri: String) -> (root: String, path: String)? {
        guard uri.utf8.starts(with: locationPrefix.utf8) else { return nil }
        let remainder = uri.utf8.dropFirst(locationPrefix.utf8.count)
        let aliasEndsWithSlash = alias.utf8.last == UInt8(ascii: "/")
        if remainder.isEmpty {
            if aliasEndsWithSlash { return (alias, "/") }
            return Self.splitFile(alias)
        }
        let rest = String(Substring(remainder))
        if aliasEndsWithSlash || rest.utf8.first == UInt8(ascii: "/") {
            return (alias, rest.utf8.first == UInt8(ascii: "/") ? rest : "/" + rest)
        }
        return nil
    }

    /// `/data/f.ico` → (`/data`, `/f.ico`).
    static func splitFile(_ path: String) -> (root: String, path: String)? {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let dir = String(Substring(path.utf8[..<slash]))
        let name = String(Substring(path.utf8[slash...]))
        guard name != "/" else { return nil }
        return (dir.isEmpty ? "/" : dir, name)
    }
}
