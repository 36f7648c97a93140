// swhost: HTTP transport.

import NIOCore

/// The status and header fields of a response, as the responder hands them to `ResponseWriter`.
///
/// The writer adds `Date`, the framing field (`Content-Length` or `Transfer-Encoding: chunked`) and
/// `Connection`; such fields in `headers` are dropped (not in `prerendered()` bytes: keep them out).
/// `Server` is the responder's to set.
public struct ResponseHead: Sendable {
    /// Status code (`$status`).
    public var status: Int
    /// Reason phrase; nil means nginx's phrase for `status` (`StatusReason.phrase(for:)`).
    public var reason: String?
    /// Header fields in wire order.
    public var headers: HTTPHeaderList
    /// Pre-rendered status line and header fields (see `prerendered()`); when set, `reason` and
    /// `headers` are not rendered again.
    public private(set) var cachedBytes: ByteBuffer?
    /// Close the connection after this response (`Connection: close`), whatever the request asked:
    /// nginx does so after errors such as 400 and 413 produced by the HTTP layer.
    public var closeConnection: Bool = false

    public init(status: Int, reason: String? = nil, headers: HTTPHeaderList = HTTPHeaderList()) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.cachedBytes = nil
    }

    /// A copy whose status line and headers are rendered once into bytes, for a hot static file's
    /// cache entry: sending it copies those bytes instead of formatting each field again.
    /// `Date` is not among them (the writer adds it per second), so the cache stays valid.
    public func prerendered() -> ResponseHead {
        var copy = self
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        renderStatusAndFields(into: &buffer)
        copy.cachedBytes = buffer
        return copy
    }

    /// Writes `HTTP/1.1 <status> <reason>\r\n` and each field as `Name: value\r\n`.
    func renderStatusAndFields(into buffer: inout ByteBuffer) {
        if let cached = cachedBytes {
            buffer.writeImmutableBuffer(cached)
            return
        }
        buffer.writeStaticString("HTTP/1.1 ")
        StatusReason.writeStatusLineTail(status: status, reason: reason, into: &buffer)
        for field in headers {
            buffer.writeString(field.name)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
    }

    /// True when RFC 9110 forbids a body: 1xx, 204, 304.
    public var forbidsBody: Bool { status < 200 || status == 204 || status == 304 }
}
