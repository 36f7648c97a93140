// swhost: static files.

import SWHostHTTPCore

/// A satisfiable byte range, `start..<end` (end exclusive).
public struct ByteRange: Sendable, Hashable {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var length: Int64 { end - start }

    /// The `Content-Range` value for this range of a `total`-byte entity: `bytes 0-99/1000`.
    public func contentRange(total: Int64) -> String {
        "bytes \(start)-\(end - 1)/\(total)"
    }
}

/// The range filter's decision for a 200 response of known length.
public enum RangeDecision: Sendable, Hashable {
    /// Send the full 200 response. `acceptRanges` says whether to add `Accept-Ranges: bytes`
    /// (nginx omits it with `max_ranges 0`).
    case full(acceptRanges: Bool)
    /// 206 with `Content-Range` (``ByteRange/contentRange(total:)``).
    case single(ByteRange)
    /// 206 `multipart/byteranges` (build the body with ``MultipartByteranges``).
    case multiple([ByteRange])
    /// 416 with `Content-Range: bytes */SIZE` (``RangeRequest/unsatisfiedContentRange(total:)``).
    case notSatisfiable
}

/// nginx 1.22's range filter (`ngx_http_range_filter_module.c`), as a pure function.
///
/// - Only the `bytes` unit is understood (case-insensitive); anything else, or a header shorter
///   than 7 bytes, is ignored and the full entity is sent (RFC 9110 §14.2).
/// - `If-Range`: a value ending in `"` is an entity tag compared byte for byte with the entity's
///   (so a weak tag never matches, RFC 9110 §13.1.5); otherwise an HTTP date that must equal the
///   mtime exactly. A failed If-Range means the full 200.
/// - A syntactically invalid range set is answered 416, like nginx (RFC 9110 would ignore it).
/// - Ranges whose start is past the end are skipped; if none remains, 416. `N-` is open-ended,
///   `-N` a suffix, the last byte is clamped to size-1, spaces around numbers are allowed.
/// - More than `maxRanges` ranges, or ranges (overlapping or not) whose lengths sum to more
///   than the size: the full 200 (nginx's defence against range amplification). Overlapping
///   ranges within that budget are served as asked, in request order, as nginx does.
/// - `maxRanges == 0` disables ranges entirely (no `Accept-Ranges` header either).
public enum RangeRequest {
    /// Decides what to send. `etag` is nil with `etag off`; `lastModified` nil when unknown;
    /// `maxRanges` nil means unlimited (nginx's default). Pure; does not block.
    public static func evaluate(
        range: String?,
        ifRange: String? = nil,
        etag: ETag?,
        lastModified: Int64?,
        size: Int64,
        maxRanges: Int? = nil
    ) -> RangeDecision {
        if maxRanges == 0 { return .full(acceptRanges: false) }
        guard var range else { return .full(acceptRanges: true) }
        if let ifRange {
            let u = ifRange.utf8
            if u.count >= 2, u.last == UInt8(ascii: "\"") {
                guard let etag, etag.value.utf8.elementsEqual(u) else { return .full(acceptRanges: true) }
            } else {
                guard let lastModified, let t = HTTPDate.parse(ifRange), t == lastModified else {
                    return .full(acceptRanges: true)
                }
            }
        }
        return range.withUTF8 { r in
            guard r.count >= 7, isBytesUnit(r) else { return .full(acceptRanges: true) }
            return parse(r, from: 6, size: size, maxRanges: maxRanges ?? Int.max)
        }
    }

    /// `Content-Range` of a 416: `bytes */SIZE`.
    public static func unsatisfiedContentRange(total: Int64) -> String {
        "bytes */\(total)"
    }

    /// `bytes=`, case-insensitive (ngx_strncasecmp).
    private static func isBytesUnit(_ r: UnsafeBufferPointer<UInt8>) -> Bool {
        let unit: StaticString = "bytes="
        for k in 0..<6 {
            let b = r[k] >= 65 && r[k] <= 90 ? r[k] | 0x20 : r[k]
            if b != unit.utf8Start[k] { return false }
        }
        return true
    }

    /// `ngx_http_range_parse`.
    private static func parse(_ r: UnsafeBufferPointer<UInt8>, from: Int, size contentLength: Int64, maxRanges: Int) -> RangeDecision {
        // nginx parses a NUL-terminated value; 0 past the end plays that role.
        @inline(__always) func at(_ i: Int) -> UInt8 { i < r.count ? r[i] : 0 }
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        let cutoff = Int64.max / 10
        let cutlim = Int64.max % 10
        var p = from
        var ranges: [ByteRange] = []
        var size: Int64 = 0
        var budget = maxRanges
        while true {
            var start: Int64 = 0
            var end: Int64 = 0
            var suffix = false
            while at(p) == UInt8(ascii: " ") { p += 1 }
            var openEnded = false
            if at(p) != UInt8(ascii: "-") {
                guard isDigit(at(p)) else { return .notSatisfiable }
                while isDigit(at(p)) {
                    let dgt = Int64(at(p) - 48)
                    if start >= cutoff && (start > cutoff || dgt > cutlim) { return .notSatisfiable }
                    start = start * 10 + dgt
                    p += 1
                }
                while at(p) == UInt8(ascii: " ") { p += 1 }
                guard at(p) == UInt8(ascii: "-") else { return .notSatisfiable }
                p += 1
                while at(p) == UInt8(ascii: " ") { p += 1 }
                if at(p) == UInt8(ascii: ",") || at(p) == 0 {
                    end = contentLength
                    openEnded = true
                }
            } else {
                suffix = true
                p += 1
            }
            if !openEnded {
                guard isDigit(at(p)) else { return .notSatisfiable }
                while isDigit(at(p)) {
                    let dgt = Int64(at(p) - 48)
                    if end >= cutoff && (end > cutoff || dgt > cutlim) { return .notSatisfiable }
                    end = end * 10 + dgt
                    p += 1
                }
                while at(p) == UInt8(ascii: " ") { p += 1 }
                guard at(p) == UInt8(ascii: ",") || at(p) == 0 else { return .notSatisfiable }
                if suffix {
                    start = end < contentLength ? contentLength - end : 0
                    end = contentLength - 1
                }
                end = end >= contentLength ? contentLength : end + 1
            }
            if start < end {
                ranges.append(ByteRange(start: start, end: end))
                if size > Int64.max - (end - start) { return .notSatisfiable }
                size += end - start
                if budget == 0 { return .full(acceptRanges: true) }
                budget -= 1
            } else if start == 0 {
                return .full(acceptRanges: true)
            }
            let sep = at(p)
            p += 1
            if sep != UInt8(ascii: ",") { break }
        }
        if ranges.isEmpty { return .notSatisfiable }
        if size > contentLength { return .full(acceptRanges: true) }
        return ranges.count == 1 ? .single(ranges[0]) : .multiple(ranges)
    }
}
