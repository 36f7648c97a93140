// swhost: HTTP transport.

/// Limits on the request head, with nginx's names and defaults.
public struct HeaderLimits: Sendable, Hashable {
    /// `client_header_buffer_size` (1k): the first buffer a request head is read into.
    public var headerBufferSize: Int
    /// `large_client_header_buffers` size (8k): no request line or header line may be longer.
    public var largeBufferSize: Int
    /// `large_client_header_buffers` number (4): the whole head fits in number × size.
    public var largeBufferCount: Int

    public init(headerBufferSize: Int = 1024, largeBufferSize: Int = 8192, largeBufferCount: Int = 4) {
        self.headerBufferSize = headerBufferSize
        self.largeBufferSize = largeBufferSize
        self.largeBufferCount = largeBufferCount
    }

    /// The most bytes a request head may occupy.
    public var maximumHeadSize: Int { max(headerBufferSize, largeBufferSize * largeBufferCount) }
}

/// A resumable state machine that recognises an HTTP/1.x request head in a byte buffer.
///
/// Why hand-written rather than NIOHTTP1's llhttp decoder:
/// - nginx's limit semantics need line-level knowledge the decoder does not expose: a request line
///   longer than one large buffer is 414, a header line longer than one large buffer (or a head over
///   number × size) is 400 "Request Header Or Cookie Too Large".
/// - Smuggling rules are nginx's, decided here with the raw bytes in view: obs-fold, whitespace
///   before a colon, NUL, bare CR are 400; `Transfer-Encoding` + `Content-Length` is 400; unknown
///   transfer codings are 501 (see `RequestFraming`).
/// - Speed: the bench (shared/bench/README.md) measured ~10k fewer instructions per request than
///   the NIOHTTP1 decoder; the parser records offsets and builds strings once, at the end.
///
/// It is fuzzed (`Fuzz/RequestParser`). Feed it the bytes of the current request from its first
/// byte, growing; it rescans nothing. Leading empty lines before the request line are skipped, as
/// nginx does. A bare LF ends a line like CRLF (nginx accepts both).
public struct HTTPRequestHeadParser: Sendable {
    /// The outcome of one `parse` call.
    public enum Outcome: Sendable, Hashable {
        /// The head is incomplete; call again with more bytes.
        case needMore
        /// The head ends at this offset (just past the empty line).
        case complete(headLength: Int)
        /// The head is malformed or over a limit.
        case failure(HTTPParseError)
    }

    /// One header line's offsets into the buffer.
    struct HeaderSpan: Sendable, Hashable {
        var nameStart: Int
        var nameEnd: Int
        var valueStart: Int
        var valueEnd: Int
        /// The name holds `_` (ignored under `underscores_in_headers off`).
        var hasUnderscore: Bool
        /// The name holds a byte outside RFC 9110's `tchar` (ignored under `ignore_invalid_headers on`).
        var isInvalidName: Bool
    }

    enum State: Sendable {
        case leadingLines, method, afterMethod, target, afterTarget, version, afterVersion, requestLineLF
        case lineStart, name, beforeValue, value, headerLF, finalLF
    }

    public let limits: HeaderLimits
    var state = State.leadingLines
    var position = 0
    var lineStart = 0
    // Request line.
    var methodStart = 0
    var methodEnd = 0
    var targetStart = 0
    var targetEnd = 0
    var versionStart = 0
    var versionEnd = 0
    // Current header.
    var current = HeaderSpan(nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0, hasUnderscore: false, isInvalidName: false)
    var headers: [HeaderSpan] = []

    public init(limits: HeaderLimits = HeaderLimits()) {
        self.limits = limits
        headers.reserveCapacity(16)
    }

    /// Starts over for the next request on the connection.
    public mutating func reset() {
        state = .leadingLines
        position = 0
        lineStart = 0
        headers.removeAll(keepingCapacity: true)
    }

    /// Scans `buffer` (the request's bytes from its first byte) from where the last call stopped.
    public mutating func parse(_ buffer: UnsafeRawBufferPointer) -> Outcome {
        let cr: UInt8 = 13, lf: UInt8 = 10, sp: UInt8 = 32, ht: UInt8 = 9
        var p = position
        // Never scan past number × size: what is not complete by then is refused.
        let end = min(buffer.count, limits.maximumHeadSize)
        defer { position = p }
        while p < end {
            let c = buffer[p]
            switch state {
            case .leadingLines:
                if c == cr || c == lf { p += 1; continue }
                lineStart = p
                methodStart = p
                state = .method
                continue
            case .method:
                if c == sp {
                    if p == methodStart { return .failure(.badRequest) }
                    methodEnd = p
                    state = .afterMethod
                } else if !Self.isMethodChar(c) {
                    return .failure(.badRequest)
                }
            case .afterMethod:
                if c == sp { break }
                if c <= sp || c == 0x7F { return .failure(.badRequest) }
                targetStart = p
                state = .target
            case .target:
                if c == sp {
                    targetEnd = p
                    state = .afterTarget
                } else if c < sp || c == 0x7F {
                    // HTTP/0.9 lines (no version) and CTLs are not served.
                    return .failure(.badRequest)
                }
            case .afterTarget:
                if c == sp { break }
                versionStart = p
                state = .version
                continue
            case .version:
                if c == sp || c == cr || c == lf {
                    versionEnd = p
                    if let failure = versionFailure(buffer) { return .failure(failure) }
                    state = c == sp ? .afterVersion : (c == cr ? .requestLineLF : .lineStart)
                    if c == lf { lineStart = p + 1 }
                } else if c < sp || c > 0x7E {
                    return .failure(.badRequest)
                }
            case .afterVersion:
                if c == sp { break }
                if c == cr { state = .requestLineLF; break }
                if c == lf { state = .lineStart; lineStart = p + 1; break }
                return .failure(.badRequest)
            case .requestLineLF:
                guard c == lf else { return .failure(.badRequest) }
                state = .lineStart
                lineStart = p + 1
            case .lineStart:
                if c == cr { state = .finalLF; break }
                if c == lf { p += 1; return .complete(headLength: p) }
                // obs-fold (RFC 9112 §5.2) and an empty name are refused.
                if c == sp || c == ht || c == UInt8(ascii: ":") { return .failure(.badRequest) }
                current = HeaderSpan(nameStart: p, nameEnd: p, valueStart: p, valueEnd: p, hasUnderscore: false, isInvalidName: false)
                state = .name
                continue
            case .name:
                if c == UInt8(ascii: ":") {
                    current.nameEnd = p
                    state = .beforeValue
                } else if Self.isTokenChar(c) {
                    // ok
                } else if c == UInt8(ascii: "_") {
                    current.hasUnderscore = true
                } else if c <= sp || c == 0x7F {
                    // Whitespace before the colon (a smuggling vector), a line without colon, CTL or NUL.
                    return .failure(.badRequest)
                } else {
                    current.isInvalidName = true
                }
            case .beforeValue:
                if c == sp || c == ht { break }
                current.valueStart = p
                current.valueEnd = p
                state = .value
                continue
            case .value:
                if c == cr || c == lf {
                    if current.valueEnd < current.valueStart { current.valueEnd = current.valueStart }
                    headers.append(current)
                    if c == lf {
                        state = .lineStart
                        lineStart = p + 1
                    } else {
                        state = .headerLF
                    }
                } else if c == 0 {
                    return .failure(.badRequest)
                } else if c != sp && c != ht {
                    current.valueEnd = p + 1
                }
            case .headerLF:
                guard c == lf else { return .failure(.badRequest) }
                state = .lineStart
                lineStart = p + 1
            case .finalLF:
                guard c == lf else { return .failure(.badRequest) }
                p += 1
                return .complete(headLength: p)
            }
            p += 1
            if p - lineStart >= limits.largeBufferSize, let failure = lineTooLong() { return .failure(failure) }
        }
        // A value cut at the buffer end: the trailing OWS check above already tracks valueEnd.
        if state == .beforeValue || state == .value, current.valueEnd < current.valueStart {
            current.valueEnd = current.valueStart
        }
        if p >= limits.maximumHeadSize {
            return .failure(inRequestLine ? .uriTooLong : .headerTooLarge)
        }
        return .needMore
    }

    var inRequestLine: Bool {
        switch state {
        case .leadingLines, .method, .afterMethod, .target, .afterTarget, .version, .afterVersion, .requestLineLF: true
        default: false
        }
    }

    private func lineTooLong() -> HTTPParseError? {
        if state == .leadingLines { return nil }
        return inRequestLine ? .uriTooLong : .headerTooLarge
    }

    /// Checks `HTTP/<major>.<minor>`: other shapes are 400, a major above 1 is 505.
    private func versionFailure(_ buffer: UnsafeRawBufferPointer) -> HTTPParseError? {
        guard let v = Self.parseVersion(UnsafeRawBufferPointer(rebasing: buffer[versionStart..<versionEnd])) else {
            return .badRequest
        }
        if v.major > 1 { return .versionNotSupported }
        if v.major < 1 { return .badRequest }
        return nil
    }

    static func parseVersion(_ b: UnsafeRawBufferPointer) -> HTTPVersion? {
        guard b.count >= 8, b.starts(with: "HTTP/".utf8) else { return nil }
        var i = 5
        var major = 0, minor = 0, digits = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            major = major * 10 + Int(b[i] - 0x30); i += 1; digits += 1
            if digits > 2 { return nil }  // nginx: at most 99
        }
        guard digits > 0, i < b.count, b[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        digits = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            minor = minor * 10 + Int(b[i] - 0x30); i += 1; digits += 1
            if digits > 2 { return nil }
        }
        guard digits > 0, i == b.count else { return nil }
        return HTTPVersion(major: major, minor: minor)
    }

    /// nginx's method alphabet: `A-Z`, `_`, `-`.
    @inline(__always) static func isMethodChar(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    /// RFC 9110 `tchar` minus `_` (flagged separately).
    @inline(__always) static func isTokenChar(_ c: UInt8) -> Bool {
        tokenTable[Int(c)]
    }

    static let tokenTable: [Bool] = (0..<256).map { i -> Bool in
        let c = UInt8(i)
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^`|~".utf8.contains(c)
        }
    }
}
