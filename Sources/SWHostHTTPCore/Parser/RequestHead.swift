// swhost: HTTP transport.

/// How the request body is delimited (RFC 9112 §6).
public enum RequestFraming: Sendable, Hashable {
    /// No body.
    case none
    /// `Content-Length` bytes.
    case length(Int64)
    /// `Transfer-Encoding: chunked`.
    case chunked
}

/// A request head as parsed and validated: the values the core and the HTTP layer need, decided once.
public struct RequestHead: Sendable {
    public var method: HTTPMethod
    /// The request-target as received (absolute-form included).
    public var target: String
    public var version: HTTPVersion
    /// Header fields nginx makes visible (`$http_*`, FastCGI params), names as received.
    public var headers: HTTPHeaderList
    /// Fields whose names contain `_`: ignored under nginx's default `underscores_in_headers off`.
    public var underscoreHeaders: HTTPHeaderList
    /// The host from an absolute-form target or the `Host` field: lower-cased, without port or
    /// trailing dot (`$host` before the server name fallback). Empty when neither gave one.
    public var host: String
    /// The origin-form part of the target (`/path?query`), where URI normalisation starts.
    public var originTarget: String
    public var framing: RequestFraming
    /// Persistent connection per version and `Connection` (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request.
    public var expectsContinue: Bool
}

extension HTTPRequestHeadParser {
    /// Builds and validates the head from the buffer a `.complete` outcome was returned for.
    /// Fails with nginx's status for framing errors (missing Host, TE + CL, unknown TE, bad CL).
    public func makeHead(_ buffer: UnsafeRawBufferPointer) -> Result<RequestHead, HTTPParseError> {
        func string(_ start: Int, _ end: Int) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
        let method = HTTPMethod.intern(UnsafeRawBufferPointer(rebasing: buffer[methodStart..<methodEnd]))
        guard let version = Self.parseVersion(UnsafeRawBufferPointer(rebasing: buffer[versionStart..<versionEnd])) else {
            return .failure(.badRequest)
        }
        let target = string(targetStart, targetEnd)
        var headers = HTTPHeaderList()
        headers.storage.reserveCapacity(self.headers.count)
        var underscored = HTTPHeaderList()
        var hostValue: String?
        var contentLength: String?
        var transferEncoding: String?
        for span in self.headers where !span.isInvalidName {
            let name = string(span.nameStart, span.nameEnd)
            let value = string(span.valueStart, span.valueEnd)
            if span.hasUnderscore {
                underscored.append(name: name, value: value)
                continue
            }
            headers.append(name: name, value: value)
            // nginx treats these as unique header lines: a second one is 400.
            if HTTPHeaderList.equalsIgnoringCase(name, "host") {
                if hostValue != nil { return .failure(.badRequest) }
                hostValue = value
            } else if HTTPHeaderList.equalsIgnoringCase(name, "content-length") {
                if contentLength != nil { return .failure(.badRequest) }
                contentLength = value
            } else if HTTPHeaderList.equalsIgnoringCase(name, "transfer-encoding") {
                if transferEncoding != nil { return .failure(.badRequest) }
                transferEncoding = value
            }
        }

        // Absolute-form: the target's host wins over Host (RFC 9112 §3.2.2).
        var originTarget = target
        var host = ""
        if target.utf8.first != UInt8(ascii: "/") {
            guard let split = Self.splitAbsoluteForm(target) else { return .failure(.badRequest) }
            originTarget = split.origin
            guard let h = Self.validateHost(split.host) else { return .failure(.badRequest) }
            host = h
        } else if let hv = hostValue {
            guard let h = Self.validateHost(hv) else { return .failure(.badRequest) }
            host = h
        }
        if version.isAtLeast1_1 && hostValue == nil { return .failure(.badRequest) }

        var framing = RequestFraming.none
        if let te = transferEncoding {
            if !version.isAtLeast1_1 || contentLength != nil { return .failure(.badRequest) }
            guard HTTPHeaderList.equalsIgnoringCase(te, "chunked") else { return .failure(.notImplemented) }
            framing = .chunked
        } else if let cl = contentLength {
            guard let n = Self.parseContentLength(cl) else { return .failure(.badRequest) }
            framing = n > 0 ? .length(n) : .none
        }

        let keepAlive: Bool
        if version.isAtLeast1_1 {
            keepAlive = !headers.containsToken("close", in: "connection")
        } else {
            keepAlive = headers.containsToken("keep-alive", in: "connection")
        }
        let expects = version.isAtLeast1_1 && (headers.first("expect").map { HTTPHeaderList.equalsIgnoringCase($0, "100-continue") } ?? false)
        return .success(RequestHead(
            method: method, target: target, version: HTTPVersion(major: 1, minor: version.minor == 0 ? 0 : 1),
            headers: headers, underscoreHeaders: underscored, host: host, originTarget: originTarget,
            framing: framing, keepAlive: keepAlive, expectsContinue: expects
        ))
    }

    /// Decimal digits only, no sign, no overflow (nginx's `ngx_atoof`).
    static func parseContentLength(_ s: String) -> Int64? {
        var n: Int64 = 0
        var any = false
        for c in s.utf8 {
            guard c >= 0x30, c <= 0x39 else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c - 0x30))
            if o1 || o2 { return nil }
            n = a
            any = true
        }
        return any ? n : nil
    }

    /// `scheme://host[:port][/path...]` → host and `/path...` (`/` when absent).
    static func splitAbsoluteForm(_ target: String) -> (host: String, origin: String)? {
        let u = Array(target.utf8)
        var i = 0
        while i < u.count, (u[i] >= 0x61 && u[i] <= 0x7A) || (u[i] >= 0x41 && u[i] <= 0x5A) || (i > 0 && (u[i] == 0x2B || u[i] == 0x2D || u[i] == 0x2E || (u[i] >= 0x30 && u[i] <= 0x39))) {
            i += 1
        }
        guard i > 0, i + 3 <= u.count, u[i] == UInt8(ascii: ":"), u[i + 1] == UInt8(ascii: "/"), u[i + 2] == UInt8(ascii: "/") else { return nil }
        let hostStart = i + 3
        var j = hostStart
        while j < u.count, u[j] != UInt8(ascii: "/"), u[j] != UInt8(ascii: "?") { j += 1 }
        guard j > hostStart else { return nil }
        let host = String(decoding: u[hostStart..<j], as: UTF8.self)
        var origin = String(decoding: u[j...], as: UTF8.self)
        if origin.isEmpty { origin = "/" } else if origin.utf8.first == UInt8(ascii: "?") { origin = "/" + origin }
        return (host, origin)
    }

    /// nginx's `ngx_http_validate_host`: refuses `/`, `\0`, controls, space, `..`; strips the port and a trailing
    /// dot; lower-cases. Returns nil for an invalid host.
    static func validateHost(_ raw: String) -> String? {
        var out = [UInt8]()
        out.reserveCapacity(raw.utf8.count)
        var inBrackets = false
        var lastWasDot = false
        for c in raw.utf8 {
            switch c {
            case UInt8(ascii: "."):
                if lastWasDot { return nil }
                lastWasDot = true
                out.append(c)
                continue
            case UInt8(ascii: ":"):
                if !inBrackets { return finishHost(out) }
            case UInt8(ascii: "["):
                if !out.isEmpty { return nil }
                inBrackets = true
            case UInt8(ascii: "]"):
                inBrackets = false
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), 0...0x20, 0x7F:
                // nginx also refuses spaces and control characters.
                return nil
            default:
                break
            }
            lastWasDot = false
            out.append(HTTPHeaderList.asciiLower(c))
        }
        return finishHost(out)
    }

    private static func finishHost(_ bytes: [UInt8]) -> String? {
        var b = bytes
        if b.last == UInt8(ascii: ".") { b.removeLast() }
        if b.isEmpty { return nil }
        return String(decoding: b, as: UTF8.self)
    }
}
