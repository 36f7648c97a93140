// swhost: config language.

/// A directive's list of MIME types, or `*` for any: `gzip_types` and `charset_types` (both
/// always include `text/html`, as in nginx).
public enum MediaTypeSet: Sendable, Hashable {
    case any
    case types(Set<String>)

    public func contains(_ mime: some StringProtocol) -> Bool {
        switch self {
        case .any: true
        case .types(let set): set.contains(String(mime))
        }
    }
}

/// One `gzip_disable` entry.
public enum GzipDisable: Sendable, Hashable {
    /// `msie6`: MSIE 4-6 without SV1.
    case msie6
    /// A case-insensitive regex on `User-Agent`.
    case regex(ConfigRegex)
}

/// `gzip_static off | on | always`.
public enum GzipStatic: String, Sendable, Hashable { case off, on, always }
