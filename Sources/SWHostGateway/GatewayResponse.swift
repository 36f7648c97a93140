// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore

/// The response head a CGI script or FastCGI application produced (RFC 3875 §6), with the
/// gateway-only fields (`Status`, `Location`, `Content-Type`) taken out of `headers`.
public struct GatewayResponseHead: Sendable, Equatable {
    /// `Status: NNN reason`, the NPH status line, or nil when the script did not say.
    public var status: Int?
    /// `Content-Type`, when sent.
    public var contentType: String?
    /// `Location`, when sent.
    public var location: String?
    /// `Content-Length`, when sent and valid.
    public var contentLength: Int64?
    /// Every other header in order, as sent (hop-by-hop fields already dropped).
    public var headers: [(name: String, value: String)]

    public init(status: Int? = nil, contentType: String? = nil, location: String? = nil, contentLength: Int64? = nil,
                headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.location = location
        self.contentLength = contentLength
        self.headers = headers
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.status == b.status && a.contentType == b.contentType && a.location == b.location
            && a.contentLength == b.contentLength
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }

    /// RFC 3875 §6.2.2: a local path in `Location` without a status is a local redirect that the
    /// server performs internally.
    public var isLocalRedirect: Bool {
        guard let location, location.hasPrefix("/") else { return false }
        return status == nil
    }

    /// The status to answer with: the script's, else 302 for a client redirect, else 200.
    public var effectiveStatus: Int {
        if let status { return status }
        return location != nil ? 302 : 200
    }
}

/// What a gateway produced: the head, and the rest of the output as a stream. Dropping the body
/// without reading it to the end stops the script (or releases the upstream connection).
public struct GatewayResponse: Sendable {
    public var head: GatewayResponseHead
    public var body: any ResponseBodyStream
    /// The whole body, when it had already arrived with the head (a FastCGI END_REQUEST in the
    /// same reads): the caller can send it as bytes and skip streaming; `body` is then empty.
    public var completeBody: ByteBuffer?

    public init(head: GatewayResponseHead, body: any ResponseBodyStream, completeBody: ByteBuffer? = nil) {
        self.head = head
        self.body = body
        self.completeBody = completeBody
    }
}
