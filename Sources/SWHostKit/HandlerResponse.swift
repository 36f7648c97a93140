// swhost: the public Swift handler API.

/// Writes the chunks of a streamed response body. `write` suspends until the host has taken the
/// chunk (backpressure), so a producer never runs ahead of a slow client; it throws
/// `CancellationError` once the client is gone.
public struct HandlerBodyWriter: Sendable {
    let sink: @Sendable ([UInt8]) async throws -> Void

    /// A writer handing each chunk to `sink` (the host provides it; tests may collect).
    public init(_ sink: @escaping @Sendable ([UInt8]) async throws -> Void) {
        self.sink = sink
    }

    /// Sends `bytes` (an empty chunk is ignored).
    public func write(_ bytes: [UInt8]) async throws {
        if !bytes.isEmpty { try await sink(bytes) }
    }

    /// Sends the UTF-8 bytes of `text`.
    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }
}

/// The body of a handler's response.
public enum HandlerBody: Sendable {
    /// No body.
    case empty
    /// Bytes in memory.
    case bytes([UInt8])
    /// A file, sent with `sendfile`; a relative path is relative to the swhost prefix. A file
    /// that cannot be opened answers 404 (missing) or 403 (not readable).
    case file(path: String)
    /// Chunks produced over time by `producer`; `length` is sent as `Content-Length` when known
    /// (producing a different number of bytes then closes the connection), otherwise the body is
    /// chunked. Return from `producer` to end the body; throwing aborts the connection.
    case stream(length: Int64?, producer: @Sendable (HandlerBodyWriter) async throws -> Void)

    /// The UTF-8 bytes of `text`.
    public static func text(_ text: String) -> HandlerBody { .bytes(Array(text.utf8)) }
}

/// A handler's answer. The host's filters still apply: `add_header`, `expires`, gzip (by
/// `gzip_types`), and conditional and range requests when `etag` or `lastModified` is set.
public struct HandlerResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields to send (`Content-Length`, `Transfer-Encoding`, `Connection` and `Date`
    /// are the host's and are ignored here).
    public var headers: HandlerHeaders
    /// `Content-Type`; nil sends none.
    public var contentType: String?
    /// The body.
    public var body: HandlerBody
    /// The entity tag, quotes included (`"v1"`, `W/"v1"`): enables `If-None-Match`/`If-Match`.
    public var etag: String?
    /// Modification time, seconds since the epoch: sent as `Last-Modified`, enables `If-Modified-Since`.
    public var lastModified: Int64?
    /// Whether the host may answer `Range` requests from this body (needs a known length).
    public var allowRanges: Bool

    /// A response.
    public init(status: Int = 200, headers: HandlerHeaders = HandlerHeaders(), contentType: String? = nil, body: HandlerBody = .empty,
                etag: String? = nil, lastModified: Int64? = nil, allowRanges: Bool = false) {
        self.status = status
        self.headers = headers
        self.contentType = contentType
        self.body = body
        self.etag = etag
        self.lastModified = lastModified
        self.allowRanges = allowRanges
    }

    /// A `text/plain` response.
    public static func text(_ text: String, status: Int = 200) -> HandlerResponse {
        HandlerResponse(status: status, contentType: "text/plain", body: .text(text))
    }

    /// An `application/json` response of already-encoded JSON.
    public static func json(_ json: String, status: Int = 200) -> HandlerResponse {
        HandlerResponse(status: status, contentType: "application/json", body: .text(json))
    }
}
