// swhost: CGI and FastCGI gateways.

import NIOCore

/// Parses the header block at the start of a CGI script's (or FastCGI application's) output
/// (RFC 3875 §6.3), incrementally: bytes are fed as they arrive and the head is produced once the
/// empty line is seen. Lines may end in LF or CRLF.
public struct CGIHeaderParser: Sendable {
    /// Result of feeding bytes.
    public enum Progress: Sendable {
        case needMore
        /// The head, and the bytes after it (the start of the body).
        case head(GatewayResponseHead, rest: ByteBuffer)
    }

    private var buffer = ByteBuffer()
    private var scanned = 0
    private let nph: Bool
    private let limit: Int

    /// `nph`: the output starts with an HTTP status line (RFC 3875 §5, non-parsed headers).
    /// `limit`: the largest header block accepted (nginx's "upstream sent too big header").
    public init(nph: Bool = false, limit: Int = 64 * 1024) {
        self.nph = nph
        self.limit = limit
    }

    /// Bytes received so far without a complete head.
    public var bufferedBytes: Int { buffer.readableBytes }

    public mutating func feed(_ chunk: ByteBuffer) throws(GatewayError) -> Progress {
        if buffer.readableBytes == 0 {
            // Usually the whole head comes in one chunk: scan it in place, without a copy.
            buffer = chunk
        } else {
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
        let bytes = buffer.readableBytesView
        var i = bytes.startIndex + scanned
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "\n") {
                var j = i + 1
                if j < bytes.endIndex, bytes[j] == UInt8(ascii: "\r") { j += 1 }
                if j < bytes.endIndex, bytes[j] == UInt8(ascii: "\n") {
                    let headLength = i - bytes.startIndex
                    let head = try Self.parse(Array(bytes[bytes.startIndex..<bytes.startIndex + headLength]), nph: nph)
                    let rest = buffer.getSlice(at: buffer.readerIndex + (j + 1 - bytes.startIndex),
                                               length: bytes.endIndex - (j + 1)) ?? ByteBuffer()
                    // Emptied without allocating a new buffer (the storage may be shared with `rest`).
                    buffer.moveReaderIndex(to: buffer.writerIndex)
                    scanned = 0
                    return .head(head, rest: rest)
                }
                if j >= bytes.endIndex { break }
            }
            i += 1
        }
        scanned = i - bytes.startIndex
        if buffer.readableBytes > limit {
            throw .badGateway("upstream sent too big header")
        }
        return .needMore
    }

    static func parse(_ bytes: [UInt8], nph: Bool) throws(GatewayError) -> GatewayResponseHead {
        var head = GatewayResponseHead()
        var first = true
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = rawLine
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if first, nph {
                first = false
                head.status = try statusLine(line)
                continue
            }
            first = false
            if line.isEmpty { throw .badGateway("upstream sent invalid header: empty line inside the header block") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon != line.startIndex else {
                throw .badGateway("upstream sent invalid header: \"\(String(decoding: line.prefix(80), as: UTF8.self))\"")
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            guard name.utf8.allSatisfy(isTokenByte) else {
                throw .badGateway("upstream sent invalid header name: \"\(name.prefix(80))\"")
            }
            let value = String(decoding: trim(line[(colon + 1)...]), as: UTF8.self)
            switch name.lowercased() {
            case "status":
                guard value.utf8.count >= 3, let code = Int(value.prefix(3)), (100...999).contains(code),
                      value.utf8.count == 3 || value.utf8[value.utf8.index(value.utf8.startIndex, offsetBy: 3)] == UInt8(ascii: " ") else {
                    throw .badGateway("upstream sent invalid status \"\(value.prefix(40))\"")
                }
                head.status = code
            case "content-type":
                head.contentType = value
            case "location":
                head.location = value
            case "content-length":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int64(value) else {
                    throw .badGateway("upstream sent invalid \"Content-Length\" header: \"\(value.prefix(40))\"")
                }
                head.contentLength = n
            case "connection", "keep-alive", "transfer-encoding", "date", "server", "upgrade", "te", "trailer":
                // Hop-by-hop or owned by swhost's writer (nginx hides Date and Server too).
                break
            default:
                head.headers.append((name, value))
            }
        }
        return head
    }

    private static func statusLine(_ line: ArraySlice<UInt8>) throws(GatewayError) -> Int {
        // HTTP/1.x NNN reason
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), parts[1].utf8.count == 3, let code = Int(parts[1]),
              (100...999).contains(code) else {
            throw .badGateway("NPH script sent invalid status line \"\(text.prefix(80))\"")
        }
        return code
    }

    private static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = s
        while let f = s.first, f == 32 || f == 9 { s = s.dropFirst() }
        while let l = s.last, l == 32 || l == 9 { s = s.dropLast() }
        return s
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
             UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "^"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
