// swhost: HTTP transport.

/// A request target split and normalised the way nginx's `ngx_http_parse_complex_uri` does.
///
/// - `requestURI` is the raw target as received (`$request_uri`), for absolute-form targets the
///   part from the path on (nginx takes the host from the target instead of `Host`).
/// - `args` is everything after the first raw `?` (`$args`), not decoded.
/// - `path` is the percent-decoded path with `//` merged (when `mergeSlashes`) and `.`/`..`
///   segments removed (RFC 3986 §5.2.4) (`$uri`). A decoded `%3F` stays a literal `?` in the path,
///   a decoded `%2F` is a `/` that takes part in merging and dot removal, `\` is literal (Linux).
///
/// Normalisation fails (nginx answers 400) on a malformed `%` escape, a decoded NUL, and on any
/// `..` that would climb above `/`.
public struct NormalizedURI: Sendable, Hashable {
    /// The raw request URI (`$request_uri`).
    public let requestURI: String
    /// The decoded, normalised path (`$uri`), always starting with `/`.
    public let path: String
    /// The raw query string without the `?` (`$args`), empty when none.
    public let args: String
    /// True when the raw target had a `?` (nginx's `$is_args` is `?` then).
    public let hasQuery: Bool

    /// Why a target was refused; each maps to 400 Bad Request.
    public enum Failure: Error, Sendable, Hashable {
        /// Not origin-form (`/...`) after stripping an absolute-form scheme and host.
        case notAbsolutePath
        /// `%` not followed by two hex digits.
        case badPercentEncoding
        /// `%00` or a raw NUL.
        case nul
        /// A `..` segment above the root.
        case aboveRoot
    }

    /// Builds the URI from an origin-form target (`/path?query`).
    public init(target: String, mergeSlashes: Bool = true) throws(Failure) {
        var t = target
        let result: Result<(path: String, args: String, hasQuery: Bool), Failure> = t.withUTF8 { bytes in
            do throws(Failure) {
                return .success(try Self.normalize(UnsafeRawBufferPointer(bytes), mergeSlashes: mergeSlashes))
            } catch {
                return .failure(error)
            }
        }
        let parsed = try result.get()
        self.requestURI = target
        self.path = parsed.path
        self.args = parsed.args
        self.hasQuery = parsed.hasQuery
    }

    /// Memberwise, for tests and for the HTTP layer's internal redirects (`$uri` rewritten).
    public init(requestURI: String, path: String, args: String, hasQuery: Bool) {
        self.requestURI = requestURI
        self.path = path
        self.args = args
        self.hasQuery = hasQuery
    }

    /// The pure core: raw target bytes in, decoded path and raw args out.
    public static func normalize(
        _ raw: UnsafeRawBufferPointer, mergeSlashes: Bool
    ) throws(Failure) -> (path: String, args: String, hasQuery: Bool) {
        guard let first = raw.first, first == UInt8(ascii: "/") else { throw .notAbsolutePath }
        var pathEnd = raw.count
        var hasQuery = false
        if let q = raw.firstIndex(of: UInt8(ascii: "?")) {
            pathEnd = q
            hasQuery = true
        }
        let args = hasQuery ? String(decoding: UnsafeRawBufferPointer(rebasing: raw[(pathEnd + 1)...]), as: UTF8.self) : ""

        // Fast path: nothing to decode or collapse (the common case for static files).
        var simple = true
        var prev: UInt8 = 0
        for i in 0..<pathEnd {
            let c = raw[i]
            if c == UInt8(ascii: "%") || c == 0 || (prev == UInt8(ascii: "/") && (c == UInt8(ascii: "/") || c == UInt8(ascii: "."))) {
                simple = false
                break
            }
            prev = c
        }
        if simple {
            return (String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<pathEnd]), as: UTF8.self), args, hasQuery)
        }

        // Decode, then collapse segments. Output never grows past the input length.
        var out = [UInt8]()
        out.reserveCapacity(pathEnd)
        var i = 0
        while i < pathEnd {
            var c = raw[i]
            if c == 0 { throw .nul }
            if c == UInt8(ascii: "%") {
                guard i + 2 < pathEnd, let hi = hexValue(raw[i + 1]), let lo = hexValue(raw[i + 2]) else { throw .badPercentEncoding }
                c = hi << 4 | lo
                if c == 0 { throw .nul }
                i += 3
            } else {
                i += 1
            }
            try appendByte(c, to: &out, mergeSlashes: mergeSlashes)
        }
        try finishSegment(&out)
        return (String(decoding: out, as: UTF8.self), args, hasQuery)
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Appends one decoded byte; when a `/` closes a segment, resolves a `.` or `..` segment first.
    private static func appendByte(_ c: UInt8, to out: inout [UInt8], mergeSlashes: Bool) throws(Failure) {
        if c == UInt8(ascii: "/") {
            if mergeSlashes, out.last == UInt8(ascii: "/") { return }
            // A resolved segment leaves `out` ending in "/": this slash is then already there.
            if try resolveDots(&out) { return }
        }
        out.append(c)
    }

    /// Resolves a trailing `/.` or `/..` segment in `out`; true when it did.
    private static func resolveDots(_ out: inout [UInt8]) throws(Failure) -> Bool {
        let n = out.count
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        if n >= 2, out[n - 1] == dot, out[n - 2] == slash {
            out.removeLast()  // "/." -> "/"
            return true
        }
        if n >= 3, out[n - 1] == dot, out[n - 2] == dot, out[n - 3] == slash {
            // "/x/.." -> "/": drop the dots and the previous segment, keep its leading slash.
            var k = n - 3
            if k == 0 { throw .aboveRoot }
            k -= 1
            while k > 0, out[k] != slash { k -= 1 }
            out.removeSubrange((k + 1)...)
            return true
        }
        return false
    }

    private static func finishSegment(_ out: inout [UInt8]) throws(Failure) {
        _ = try resolveDots(&out)
    }
}
