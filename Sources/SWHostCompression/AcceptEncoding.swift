// swhost: compression.

/// `Accept-Encoding` negotiation for gzip (RFC 9110 §12.5.3), with nginx's choices.
public enum AcceptEncoding {
    /// Whether the client accepts gzip:
    /// - a `gzip` (or `x-gzip`, RFC 9110 §8.4.1.3) coding, case-insensitive, with no q or q > 0;
    ///   `gzip;q=0` refuses it, and so does a malformed q-value (nginx declines those too);
    /// - `*` alone does NOT enable gzip, as in nginx (`ngx_http_gzip_accept_encoding` only looks
    ///   for the `gzip` token), even though RFC 9110 would allow it;
    /// - `x-gzip` is accepted (nginx's token search skips it because of the `-`; RFC 9110 says
    ///   recipients should treat it as gzip).
    /// Allocation-free; fine on the event loop.
    public static func gzipAllowed(_ headerValue: String?) -> Bool {
        guard let headerValue else { return false }
        var allowed = false
        var v = headerValue
        v.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                // One element: coding *( OWS ";" OWS param ), up to the next comma.
                var end = i
                while end < n, bytes[end] != UInt8(ascii: ",") { end += 1 }
                if let q = element(bytes, i, end) {
                    if q.isGzip {
                        allowed = q.qPositive
                        // A later gzip element cannot appear legitimately twice; first one wins.
                        return
                    }
                }
                i = end + 1
            }
        }
        return allowed
    }

    private static func element(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (isGzip: Bool, qPositive: Bool)? {
        var i = start
        while i < end, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
        let tokenStart = i
        while i < end, b[i] != UInt8(ascii: ";"), b[i] != UInt8(ascii: " "), b[i] != UInt8(ascii: "\t") { i += 1 }
        let token = UnsafeBufferPointer(rebasing: b[tokenStart..<i])
        guard equalsLowercase(token, "gzip") || equalsLowercase(token, "x-gzip") else { return nil }
        // Parameters: only q matters.
        var qPositive = true
        while i < end {
            while i < end, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
            guard i < end else { break }
            guard b[i] == UInt8(ascii: ";") else { return (true, false) }
            i += 1
            while i < end, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
            let nameStart = i
            while i < end, b[i] != UInt8(ascii: "="), b[i] != UInt8(ascii: ";") { i += 1 }
            let name = UnsafeBufferPointer(rebasing: b[nameStart..<i])
            var valueStart = i
            if i < end, b[i] == UInt8(ascii: "=") { i += 1; valueStart = i }
            while i < end, b[i] != UInt8(ascii: ";"), b[i] != UInt8(ascii: " "), b[i] != UInt8(ascii: "\t") { i += 1 }
            if equalsLowercase(name, "q") {
                guard let q = qvalue(UnsafeBufferPointer(rebasing: b[valueStart..<i])) else { return (true, false) }
                qPositive = q > 0
            }
        }
        return (true, qPositive)
    }

    /// RFC 9110 §12.4.2 qvalue in thousandths: `0[.ddd]` or `1[.000]`; nil when malformed.
    static func qvalue(_ v: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = v.first else { return nil }
        guard first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var q = Int(first - 48) * 1000
        if v.count == 1 { return q }
        guard v[1] == UInt8(ascii: "."), v.count <= 5 else { return nil }
        var scale = 100
        for k in 2..<v.count {
            let d = v[k]
            guard d >= 48 && d <= 57 else { return nil }
            if first == UInt8(ascii: "1") && d != 48 { return nil }
            q += Int(d - 48) * scale
            scale /= 10
        }
        return q
    }

    private static func equalsLowercase(_ s: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard s.count == lower.utf8CodeUnitCount else { return false }
        let l = UnsafeBufferPointer(start: lower.utf8Start, count: lower.utf8CodeUnitCount)
        for k in 0..<s.count where (s[k] >= 65 && s[k] <= 90 ? s[k] | 0x20 : s[k]) != l[k] { return false }
        return true
    }
}
