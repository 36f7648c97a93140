// swhost: CGI and FastCGI gateways.

import NIOCore

/// FastCGI PARAMS content (name-value pairs, §3.4) encoded as they are added, so a request's
/// parameters are written once, into the buffer that goes to the upstream, instead of being
/// collected as string pairs and copied.
public struct FastCGIParams: Sendable {
    /// The encoded pairs.
    public private(set) var buffer: ByteBuffer

    public init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// Pairs in order.
    public init(_ pairs: [(name: String, value: String)]) {
        self.init(capacity: pairs.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 })
        for (name, value) in pairs { append(name, value) }
    }

    public var isEmpty: Bool { buffer.readableBytes == 0 }

    /// Appends a pair (a name may repeat: the application usually takes the last).
    public mutating func append(_ name: String, _ value: String) {
        let n = name.utf8.count, v = value.utf8.count
        // Both lengths in one write: this runs some thirty times per request.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 8) { raw in
            var at = Self.putLength(n, raw, 0)
            at = Self.putLength(v, raw, at)
            return at
        }
        buffer.writeString(name)
        buffer.writeString(value)
    }

    /// §3.4: below 128 one byte, else four big-endian bytes with the high bit set.
    @inline(__always)
    private static func putLength(_ length: Int, _ raw: UnsafeMutableRawBufferPointer, _ at: Int) -> Int {
        if length < 128 {
            raw[at] = UInt8(length)
            return at + 1
        }
        raw[at] = UInt8(truncatingIfNeeded: length >> 24) | 0x80
        raw[at + 1] = UInt8(truncatingIfNeeded: length >> 16)
        raw[at + 2] = UInt8(truncatingIfNeeded: length >> 8)
        raw[at + 3] = UInt8(truncatingIfNeeded: length)
        return at + 4
    }

    /// Appends `HTTP_NAME` for the header field `header` (RFC 3875 §4.1.18: upper case, `-` as
    /// `_`) with `value`, without building the name as a string. Header names are tokens
    /// (ASCII), checked by the HTTP parser.
    public mutating func appendHeader(_ header: String, _ value: String) {
        FastCGIRecord.writeLength(5 + header.utf8.count, to: &buffer)
        FastCGIRecord.writeLength(value.utf8.count, to: &buffer)
        buffer.writeStaticString("HTTP_")
        for b in header.utf8 {
            switch b {
            case UInt8(ascii: "-"): buffer.writeInteger(UInt8(ascii: "_"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): buffer.writeInteger(b - 32)
            default: buffer.writeInteger(b)
            }
        }
        buffer.writeString(value)
    }

    /// The pairs with `name` set to `value` (replacing every earlier pair of that name, else
    /// appended). Decodes and re-encodes: for the rare late change (a chunked body's length).
    public func setting(_ name: String, _ value: String) -> FastCGIParams {
        var pairs = FastCGIRecord.decodeParams(buffer) ?? []
        if let i = pairs.firstIndex(where: { $0.name == name }) {
            pairs.removeAll { $0.name == name }
            pairs.insert((name, value), at: i)
        } else {
            pairs.append((name, value))
        }
        return FastCGIParams(pairs)
    }

    /// The decoded pairs (for tests and diagnostics).
    public var pairs: [(name: String, value: String)] { FastCGIRecord.decodeParams(buffer) ?? [] }
}
