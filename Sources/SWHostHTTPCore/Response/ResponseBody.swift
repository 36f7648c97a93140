// swhost: HTTP transport.

import NIOCore

/// A source of response body chunks produced over time (CGI, FastCGI, Swift handlers, on-the-fly gzip).
///
/// `next()` returns the next chunk, or nil at the end. Throwing means the body could not be
/// completed: the transport then closes the connection instead of ending the response, so a
/// truncated body is never passed off as complete.
public protocol ResponseBodyStream: Sendable {
    func next() async throws -> ByteBuffer?
}

/// One piece of a composite body (for example a `multipart/byteranges` response: boundary bytes
/// between file ranges, each sent with `sendfile`).
public enum ResponseBodyPart: Sendable {
    case bytes(ByteBuffer)
    case file(FileBody)

    /// Number of bytes this part puts on the wire.
    public var length: Int64 {
        switch self {
        case .bytes(let b): Int64(b.readableBytes)
        case .file(let f): f.length
        }
    }
}

/// The body of a response, as every content source (static, CGI, FastCGI, Swift handler) produces it.
/// Filters (not-modified, range, gzip, headers) operate on this value, not on any source's internals.
public enum ResponseBody: Sendable {
    /// No body (304, 204, HEAD, or a zero-length 200).
    case empty
    /// Bytes in memory.
    case bytes(ByteBuffer)
    /// A region of an open file (zero-copy).
    case file(FileBody)
    /// A sequence of in-memory and file parts.
    case parts([ResponseBodyPart])
    /// Chunks produced over time; `length` is known only when the producer announced it.
    case stream(any ResponseBodyStream, length: Int64?)

    /// The number of body bytes when known in advance.
    public var knownLength: Int64? {
        switch self {
        case .empty: 0
        case .bytes(let b): Int64(b.readableBytes)
        case .file(let f): f.length
        case .parts(let ps): ps.reduce(0) { $0 + $1.length }
        case .stream(_, let length): length
        }
    }
}
