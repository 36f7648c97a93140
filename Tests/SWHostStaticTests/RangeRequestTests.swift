// swhost: SWHostStaticTests.

import Foundation
import NIOCore
import SWHostHTTPCore
import SWHostStatic
import Testing

@Suite struct RangeRequestTests {
    static let size: Int64 = 1000
    static let etag = ETag(mtime: 784_111_777, size: 1000)

    static func r(_ s: Int64, _ e: Int64) -> ByteRange { ByteRange(start: s, end: e + 1) }

    /// RFC 9110 §14.1.2 examples and nginx 1.22's ngx_http_range_parse (checked with curl against
    /// nginx 1.22.1 on a 1000-byte file).
    static let rows: [(String?, RangeDecision)] = [
        (nil, .full(acceptRanges: true)),
        ("bytes=0-499", .single(r(0, 499))),
        ("bytes=500-999", .single(r(500, 999))),
        ("bytes=-500", .single(r(500, 999))),  // suffix: the last 500 bytes
        ("bytes=9500-", .notSatisfiable),
        ("bytes=900-", .single(r(900, 999))),  // open-ended
        ("bytes=0-0,-1", .multiple([r(0, 0), r(999, 999)])),
        ("bytes=500-600,601-999", .multiple([r(500, 600), r(601, 999)])),
        ("bytes=0-5000", .single(r(0, 999))),  // last byte clamped to size-1
        ("bytes=-5000", .single(r(0, 999))),  // suffix longer than the file
        ("BYTES=0-1", .single(r(0, 1))),  // unit is case-insensitive
        ("bytes= 0 - 1 , 3 - 4 ", .multiple([r(0, 1), r(3, 4)])),  // spaces around numbers
        ("bytes=1000-1001", .notSatisfiable),  // start at the end
        ("bytes=5-3", .notSatisfiable),  // start > end, nothing left
        ("bytes=5-3,0-1", .single(r(0, 1))),  // unsatisfiable ranges are skipped
        ("bytes=abc", .notSatisfiable),  // syntactically invalid: nginx answers 416
        ("bytes=0-1,", .notSatisfiable),  // trailing comma
        ("bytes=1-2-3", .notSatisfiable),
        ("bytes=--1", .notSatisfiable),
        ("bytes=99999999999999999999-", .notSatisfiable),  // overflow
        ("items=0-1", .full(acceptRanges: true)),  // unknown unit ignored
        ("bytes=", .full(acceptRanges: true)),  // shorter than 7 bytes: ignored
        ("bytes=0-999,0-999", .full(acceptRanges: true)),  // sum > size: full 200
        ("bytes=0-499,250-749", .multiple([r(0, 499), r(250, 749)])),  // overlap within the size: served as asked
        ("bytes=0-499,250-749,500-999", .full(acceptRanges: true)),  // overlap beyond the size
        ("bytes=-0", .notSatisfiable),
    ]

    @Test(arguments: rows)
    func decidesLikeNginx(range: String?, expected: RangeDecision) {
        #expect(RangeRequest.evaluate(range: range, etag: Self.etag, lastModified: 784_111_777, size: Self.size) == expected)
    }

    @Test func emptyFileServesTheFullResponse() {
        // nginx: start == end == 0 → NGX_DECLINED.
        #expect(RangeRequest.evaluate(range: "bytes=0-", etag: nil, lastModified: nil, size: 0) == .full(acceptRanges: true))
        #expect(RangeRequest.evaluate(range: "bytes=0-10", etag: nil, lastModified: nil, size: 0) == .full(acceptRanges: true))
    }

    @Test func maxRangesLimitsTheCount() {
        let two = "bytes=0-1,3-4"
        #expect(RangeRequest.evaluate(range: two, etag: nil, lastModified: nil, size: 100, maxRanges: 0) == .full(acceptRanges: false))
        #expect(RangeRequest.evaluate(range: nil, etag: nil, lastModified: nil, size: 100, maxRanges: 0) == .full(acceptRanges: false))
        #expect(RangeRequest.evaluate(range: two, etag: nil, lastModified: nil, size: 100, maxRanges: 1) == .full(acceptRanges: true))
        #expect(RangeRequest.evaluate(range: "bytes=0-1", etag: nil, lastModified: nil, size: 100, maxRanges: 1) == .single(Self.r(0, 1)))
        #expect(RangeRequest.evaluate(range: two, etag: nil, lastModified: nil, size: 100, maxRanges: 2) == .multiple([Self.r(0, 1), Self.r(3, 4)]))
    }

    /// RFC 9110 §13.1.5: If-Range with a strong entity tag, or a date equal to Last-Modified.
    @Test func ifRangeByTagAndDate() {
        let lm: Int64 = 784_111_777
        func eval(_ ifRange: String, etag: ETag? = RangeRequestTests.etag) -> RangeDecision {
            RangeRequest.evaluate(range: "bytes=0-1", ifRange: ifRange, etag: etag, lastModified: lm, size: 1000)
        }
        #expect(eval(Self.etag.value) == .single(Self.r(0, 1)))
        #expect(eval("\"other\"") == .full(acceptRanges: true))
        #expect(eval(Self.etag.weakened.value, etag: Self.etag.weakened) == .single(Self.r(0, 1)))  // nginx: byte compare
        #expect(eval(Self.etag.value, etag: nil) == .full(acceptRanges: true))
        #expect(eval("Sun, 06 Nov 1994 08:49:37 GMT") == .single(Self.r(0, 1)))
        #expect(eval("Sun, 06 Nov 1994 08:49:38 GMT") == .full(acceptRanges: true))
        #expect(eval("not a date") == .full(acceptRanges: true))
    }

    @Test func contentRangeHeaders() {
        #expect(Self.r(0, 499).contentRange(total: 1000) == "bytes 0-499/1000")
        #expect(RangeRequest.unsatisfiedContentRange(total: 1000) == "bytes */1000")
    }
}

@Suite struct MultipartByterangesTests {
    @Test func boundaryIsTwentyDigitsLikeNginx() {
        #expect(MultipartByteranges.boundaryString(1) == "00000000000000000001")
        #expect(MultipartByteranges.boundaryString(1234567890) == "00000000001234567890")
        let a = MultipartByteranges.nextBoundaryNumber()
        #expect(MultipartByteranges.nextBoundaryNumber() > a)
    }

    /// Byte-exact against nginx 1.22.1 (`curl -H 'Range: bytes=0-1,5-6'` on `seq 1 100`).
    @Test func matchesNginxBytesForInMemoryEntity() throws {
        var text = ""
        for i in 1...100 { text += "\(i)\n" }
        let entity = ByteBuffer(string: text)
        let m = MultipartByteranges(ranges: [ByteRange(start: 0, end: 2), ByteRange(start: 5, end: 7)], bytes: entity,
                                    partContentType: "text/plain", boundaryNumber: 1)
        let expected = "\r\n--00000000000000000001\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/292\r\n\r\n1\n"
            + "\r\n--00000000000000000001\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-6/292\r\n\r\n\n4"
            + "\r\n--00000000000000000001--\r\n"
        #expect(m.contentType == "multipart/byteranges; boundary=00000000000000000001")
        #expect(m.contentLength == 200)  // nginx's Content-Length for that response
        #expect(flatten(m.body, file: nil) == Array(expected.utf8))
    }

    @Test func fileRangesStayFileRegionsAndParseBack() throws {
        let dir = try TemporaryDirectory()
        var data = [UInt8]()
        for i in 0..<5000 { data.append(UInt8(truncatingIfNeeded: i &* 31 &+ 7)) }
        try dir.write("blob.bin", Data(data))
        let resolver = PathResolver()
        guard case .file(let file) = resolver.resolve(root: dir.path, path: "/blob.bin") else {
            Issue.record("not opened")
            return
        }
        guard case .multiple(let ranges) = RangeRequest.evaluate(range: "bytes=0-9,100-199,-50", etag: nil, lastModified: nil, size: file.size) else {
            Issue.record("expected multiple ranges")
            return
        }
        let m = MultipartByteranges(ranges: ranges, file: file, partContentType: "application/octet-stream")
        guard case .parts(let parts) = m.body else {
            Issue.record("expected parts")
            return
        }
        #expect(parts.filter { if case .file = $0 { true } else { false } }.count == 3)
        #expect(m.body.knownLength == m.contentLength)
        let wire = flatten(m.body, file: file)
        #expect(Int64(wire.count) == m.contentLength)

        // Parse back as a multipart/byteranges body (RFC 9110 §14.6 / RFC 2046).
        let parsed = try parseMultipart(wire, boundary: m.boundary)
        #expect(parsed.count == 3)
        for (part, range) in zip(parsed, ranges) {
            #expect(part.headers["content-type"] == "application/octet-stream")
            #expect(part.headers["content-range"] == "bytes \(range.start)-\(range.end - 1)/5000")
            #expect(part.body == Array(data[Int(range.start)..<Int(range.end)]))
        }
    }

    /// Concatenates a body as the transport would send it.
    func flatten(_ body: ResponseBody, file: OpenFile?) -> [UInt8] {
        guard case .parts(let parts) = body else { return [] }
        var out: [UInt8] = []
        for p in parts {
            switch p {
            case .bytes(let b): out += b.readableBytesView
            case .file(let f):
                var chunk = [UInt8](repeating: 0, count: Int(f.length))
                let n = chunk.withUnsafeMutableBytes { pread(f.file.descriptor, $0.baseAddress, $0.count, off_t(f.offset)) }
                out += chunk.prefix(max(n, 0))
            }
        }
        return out
    }

    struct Part {
        var headers: [String: String]
        var body: [UInt8]
    }

    struct ParseError: Error {}

    func parseMultipart(_ wire: [UInt8], boundary: String) throws -> [Part] {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var parts: [Part] = []
        var i = 0
        func find(_ needle: [UInt8], from: Int) -> Int? {
            guard needle.count <= wire.count else { return nil }
            var k = from
            while k + needle.count <= wire.count {
                if Array(wire[k..<(k + needle.count)]) == needle { return k }
                k += 1
            }
            return nil
        }
        guard find(delimiter, from: 0) == 0 else { throw ParseError() }
        i = delimiter.count
        while true {
            if Array(wire[i..<(i + 2)]) == Array("--".utf8) {
                #expect(Array(wire[(i + 2)...]) == Array("\r\n".utf8))
                return parts
            }
            guard Array(wire[i..<(i + 2)]) == Array("\r\n".utf8) else { throw ParseError() }
            i += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), from: i) else { throw ParseError() }
            var headers: [String: String] = [:]
            for line in String(decoding: wire[i..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n") {
                let kv = line.split(separator: ":", maxSplits: 1)
                headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces)
            }
            let bodyStart = headerEnd + 4
            guard let next = find(delimiter, from: bodyStart) else { throw ParseError() }
            parts.append(Part(headers: headers, body: Array(wire[bodyStart..<next])))
            i = next + delimiter.count
        }
    }
}
