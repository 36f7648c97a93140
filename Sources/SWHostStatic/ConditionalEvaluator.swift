// swhost: static files.

import SWHostHTTPCore

/// Evaluates conditional request headers the way nginx 1.22's not_modified filter does
/// (`ngx_http_not_modified_filter_module.c`), with RFC 9110 §13.2.2's order of precedence.
///
/// Differences from a literal reading of RFC 9110, all taken from nginx:
/// - `If-Modified-Since` with `if_modified_since exact` (the default) only matches when the date
///   equals the mtime; `before` also matches a date later than the mtime; `off` ignores the header.
///   An unparsable date never matches (the resource counts as modified).
/// - When both `If-None-Match` and `If-Modified-Since` are present, both must match for a 304
///   (RFC 9110 §13.1.3 would ignore If-Modified-Since).
/// - An unparsable `If-Unmodified-Since` fails the precondition (412).
/// - `If-Match` compares the tags byte for byte (`*` always passes), so a weak entity tag only
///   matches the identical weak tag; `If-None-Match` uses the weak comparison.
///
/// From RFC 9110 §13.1.2 (nginx only serves GET/HEAD statically, so never hits it): a matching
/// `If-None-Match` on any other method is a 412, not a 304.
public struct ConditionalEvaluator: Sendable {
    /// `if_modified_since off | exact | before`.
    public enum IfModifiedSincePolicy: Sendable, Hashable {
        case off, exact, before
    }

    /// The outcome.
    public enum Decision: Sendable, Hashable {
        /// Serve the response as usual.
        case proceed
        /// 304: no body, no Content-Type/Content-Length/Accept-Ranges/Content-Encoding.
        case notModified
        /// 412.
        case preconditionFailed
    }

    /// The request's conditional headers, raw values (nil when absent).
    public struct Request: Sendable {
        public var isGetOrHead: Bool
        public var ifMatch: String?
        public var ifNoneMatch: String?
        public var ifModifiedSince: String?
        public var ifUnmodifiedSince: String?

        public init(isGetOrHead: Bool = true, ifMatch: String? = nil, ifNoneMatch: String? = nil,
                    ifModifiedSince: String? = nil, ifUnmodifiedSince: String? = nil) {
            self.isGetOrHead = isGetOrHead
            self.ifMatch = ifMatch
            self.ifNoneMatch = ifNoneMatch
            self.ifModifiedSince = ifModifiedSince
            self.ifUnmodifiedSince = ifUnmodifiedSince
        }

        /// Whether any conditional header is present (fast path: skip evaluation).
        public var isConditional: Bool {
            ifMatch != nil || ifNoneMatch != nil || ifModifiedSince != nil || ifUnmodifiedSince != nil
        }
    }

    public var policy: IfModifiedSincePolicy

    public init(policy: IfModifiedSincePolicy = .exact) {
        self.policy = policy
    }

    /// Decides for a 200 response whose entity has `etag` (nil with `etag off`) and `lastModified`
    /// (epoch seconds, nil when unknown). Pure; does not block.
    public func evaluate(_ request: Request, etag: ETag?, lastModified: Int64?) -> Decision {
        if let iums = request.ifUnmodifiedSince {
            guard let lm = lastModified else { return .preconditionFailed }
            guard let t = HTTPDate.parse(iums), t >= lm else { return .preconditionFailed }
        }
        if let im = request.ifMatch, !Self.matches(list: im, etag: etag, weak: false) {
            return .preconditionFailed
        }
        if request.ifModifiedSince != nil || request.ifNoneMatch != nil {
            if let ims = request.ifModifiedSince, isModified(since: ims, lastModified: lastModified) {
                return .proceed
            }
            if let inm = request.ifNoneMatch, !Self.matches(list: inm, etag: etag, weak: true) {
                return .proceed
            }
            return request.isGetOrHead ? .notModified : .preconditionFailed
        }
        return .proceed
    }

    /// `ngx_http_test_if_modified`: true when the entity counts as modified since `value`.
    private func isModified(since value: String, lastModified: Int64?) -> Bool {
        guard let lm = lastModified, policy != .off else { return true }
        guard let ims = HTTPDate.parse(value) else { return true }
        if ims == lm { return false }
        if policy == .exact || ims < lm { return true }
        return false
    }

    /// `ngx_http_test_if_match`: whether the comma-separated tag list contains `etag`
    /// (`*` alone always matches). With `weak`, `W/` prefixes are ignored on both sides.
    public static func matches(list: String, etag: ETag?, weak: Bool) -> Bool {
        var list = list
        return list.withUTF8 { l in
            if l.count == 1 && l[0] == UInt8(ascii: "*") { return true }
            guard let etag else { return false }
            var tag = etag.value
            return tag.withUTF8 { t in matches(list: l, tag: t, weak: weak) }
        }
    }

    /// Byte-level `ngx_http_test_if_match` (no allocation).
    private static func matches(list l: UnsafeBufferPointer<UInt8>, tag fullTag: UnsafeBufferPointer<UInt8>, weak: Bool) -> Bool {
        var tag = fullTag[...]
        if weak, tag.count > 2, tag[tag.startIndex] == UInt8(ascii: "W"), tag[tag.startIndex + 1] == UInt8(ascii: "/") {
            tag = tag.dropFirst(2)
        }
        var start = 0
        let end = l.count
        while start < end {
            if weak, end - start > 2, l[start] == UInt8(ascii: "W"), l[start + 1] == UInt8(ascii: "/") {
                start += 2
            }
            if tag.count > end - start { return false }
            if l[start..<(start + tag.count)].elementsEqual(tag) {
                var p = start + tag.count
                while p < end, l[p] == UInt8(ascii: " ") || l[p] == UInt8(ascii: "\t") { p += 1 }
                if p == end || l[p] == UInt8(ascii: ",") { return true }
                start = p
            }
            while start < end, l[start] != UInt8(ascii: ",") { start += 1 }
            while start < end, l[start] == UInt8(ascii: " ") || l[start] == UInt8(ascii: "\t") || l[start] == UInt8(ascii: ",") {
                start += 1
            }
        }
        return false
    }
}
