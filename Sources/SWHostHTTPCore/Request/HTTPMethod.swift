// swhost: HTTP transport.

/// A request method token as received (`GET`, `PROPFIND`, ...).
///
/// nginx accepts any method made of `A-Z`, `_` and `-`; the statics cover the ones the HTTP layer
/// branches on. Comparison is on the raw token (methods are case-sensitive, RFC 9110 §9.1).
public struct HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    /// The token exactly as received.
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static let GET = HTTPMethod("GET")
    public static let HEAD = HTTPMethod("HEAD")
    public static let POST = HTTPMethod("POST")
    public static let PUT = HTTPMethod("PUT")
    public static let DELETE = HTTPMethod("DELETE")
    public static let OPTIONS = HTTPMethod("OPTIONS")
    public static let PATCH = HTTPMethod("PATCH")
    public static let TRACE = HTTPMethod("TRACE")
    public static let CONNECT = HTTPMethod("CONNECT")

    /// Interns the common methods so the per-request path does not allocate a new string for them.
    static func intern(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        switch bytes.count {
        case 3:
            if bytes.elementsEqual("GET".utf8) { return .GET }
            if bytes.elementsEqual("PUT".utf8) { return .PUT }
        case 4:
            if bytes.elementsEqual("HEAD".utf8) { return .HEAD }
            if bytes.elementsEqual("POST".utf8) { return .POST }
        case 6:
            if bytes.elementsEqual("DELETE".utf8) { return .DELETE }
        case 7:
            if bytes.elementsEqual("OPTIONS".utf8) { return .OPTIONS }
        default:
            break
        }
        return HTTPMethod(String(decoding: bytes, as: UTF8.self))
    }
}

/// The protocol version of a request: `HTTP/1.0` or `HTTP/1.1` (nginx treats `HTTP/1.2`..`1.99` as 1.1).
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    /// `HTTP/1.1`, as `$server_protocol` prints it.
    public var description: String {
        // The two versions every request has, without formatting (logs and handlers ask per request).
        if major == 1 { if minor == 1 { return "HTTP/1.1" } else if minor == 0 { return "HTTP/1.0" } }
        return "HTTP/\(major).\(minor)"
    }

    /// True for 1.1 and later minors: persistent connections by default, chunked allowed.
    public var isAtLeast1_1: Bool { major > 1 || (major == 1 && minor >= 1) }
}
