// swhost: static files.

import SWHostHTTPCore

/// Entity tags in nginx's format: `"<mtime hex>-<size hex>"` (strong) or `W/"..."` (weak).
///
/// nginx emits a strong tag for static files (`etag on`, the default) and turns it weak when a
/// filter changes the body (gzip, SSI). `etag off` means no tag at all: callers then pass `nil`
/// to ``ConditionalEvaluator`` and ``RangeRequest``.
public struct ETag: Sendable, Hashable, CustomStringConvertible {
    /// The full header value, quotes included, with `W/` when weak.
    public let value: String

    /// Wraps an ETag header value as is (for tags that other content sources produced).
    public init(rawValue: String) {
        self.value = rawValue
    }

    /// nginx's tag for a file: lowercase hex of the mtime seconds and of the size.
    public init(mtime: Int64, size: Int64, weak: Bool = false) {
        let hex = "\"" + String(UInt64(bitPattern: mtime), radix: 16) + "-" + String(UInt64(bitPattern: size), radix: 16) + "\""
        self.value = weak ? "W/" + hex : hex
    }

    /// The tag of an open file.
    public init(file: OpenFile, weak: Bool = false) {
        self.init(rawValue: weak ? "W/" + file.etagText : file.etagText)
    }

    /// Whether the tag carries the `W/` prefix.
    public var isWeak: Bool { value.utf8.starts(with: "W/".utf8) }

    /// The same tag made weak (what nginx does when gzip changes the body).
    public var weakened: ETag { isWeak ? self : ETag(rawValue: "W/" + value) }

    public var description: String { value }
}
