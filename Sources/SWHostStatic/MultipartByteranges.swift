// swhost: static files.

import NIOCore
import SWHostHTTPCore
import Synchronization

/// Builds a `multipart/byteranges` body (RFC 9110 §14.6) byte-compatible with nginx 1.22:
///
/// ```
/// \r\n--00000000000000000001\r\n
/// Content-Type: text/plain\r\n
/// Content-Range: bytes 0-9/100\r\n\r\n
/// <bytes 0-9>
/// \r\n--00000000000000000001\r\n
/// ...
/// \r\n--00000000000000000001--\r\n
/// ```
///
/// The boundary is a 20-digit zero-padded counter (nginx's `%0muA` of `ngx_next_temp_number`
/// on 64-bit). File ranges stay file regions, so the transport can still `sendfile` them.
public struct MultipartByteranges: Sendable {
    /// The response `Content-Type`: `multipart/byteranges; boundary=...`.
    public let contentType: String
    /// The body: boundary and part-header bytes interleaved with file regions.
    public let body: ResponseBody
    /// The exact `Content-Length`.
    public let contentLength: Int64
    /// The boundary string (digits only).
    public let boundary: String

    private static let counter = Mutex<UInt64>(0)

    /// A process-wide increasing boundary number (nginx shares one counter per master).
    public static func nextBoundaryNumber() -> UInt64 {
        counter.withLock {
            $0 &+= 1
            return $0
        }
    }

    /// Formats a boundary number as nginx does: 20 digits, zero-padded.
    public static func boundaryString(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// - Parameters:
    ///   - ranges: the ranges from ``RangeDecision/multiple(_:)``, in request order.
    ///   - file: the open file; each range becomes a `FileBody` region of it.
    ///   - partContentType: the entity's Content-Type including any `; charset=`, nil to omit the
    ///     part header (nginx omits it when the response has no type).
    ///   - boundaryNumber: defaults to ``nextBoundaryNumber()``.
    public init(ranges: [ByteRange], file: OpenFile, partContentType: String?, boundaryNumber: UInt64? = nil) {
        self.init(ranges: ranges, totalSize: file.size, partContentType: partContentType, boundaryNumber: boundaryNumber) {
            .file(FileBody(file: file, offset: $0.start, length: $0.length))
        }
    }

    /// Same, with the entity in memory (for example a cached gzip variant or handler output).
    public init(ranges: [ByteRange], bytes: ByteBuffer, partContentType: String?, boundaryNumber: UInt64? = nil) {
        self.init(ranges: ranges, totalSize: Int64(bytes.readableBytes), partContentType: partContentType, boundaryNumber: boundaryNumber) {
            .bytes(bytes.getSlice(at: bytes.readerIndex + Int($0.start), length: Int($0.length)) ?? ByteBuffer())
        }
    }

    private init(ranges: [ByteRange], totalSize: Int64, partContentType: String?, boundaryNumber: UInt64?,
                 part: (ByteRange) -> ResponseBodyPart) {
        let boundary = Self.boundaryString(boundaryNumber ?? Self.nextBoundaryNumber())
        var header = "\r\n--" + boundary + "\r\n"
        if let partContentType, !partContentType.isEmpty {
            header += "Content-Type: " + partContentType + "\r\n"
        }
        header += "Content-Range: bytes "
        var parts: [ResponseBodyPart] = []
        parts.reserveCapacity(ranges.count * 2 + 1)
        var length: Int64 = 0
        for r in ranges {
            let head = header + "\(r.start)-\(r.end - 1)/\(totalSize)\r\n\r\n"
            let buffer = ByteBuffer(string: head)
            length += Int64(buffer.readableBytes) + r.length
            parts.append(.bytes(buffer))
            parts.append(part(r))
        }
        let tail = ByteBuffer(string: "\r\n--" + boundary + "--\r\n")
        length += Int64(tail.readableBytes)
        parts.append(.bytes(tail))
        self.boundary = boundary
        self.contentType = "multipart/byteranges; boundary=" + boundary
        self.body = .parts(parts)
        self.contentLength = length
    }
}
