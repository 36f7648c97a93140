// End-to-end: byte ranges (RFC 9110 §14; nginx's range filter). Expectations checked against
// nginx 1.22 (SWHOST_E2E_NGINX=1).

import Foundation
import SWHostTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let mebibyte = patternBytes(1 << 20)

private let rangeServer = SharedServer {
    try E2EServer(
        name: "range",
        http: """
            server {
                listen 127.0.0.1:{PORT};
                server_name localhost;
                root www;
                location / { }
                location /one/ { max_ranges 1; }
                location /none/ { max_ranges 0; }
            }
            """,
        files: [
            "www/r.txt": "0123456789abcdefghij",
            "www/one/r.txt": "0123456789abcdefghij",
            "www/none/r.txt": "0123456789abcdefghij",
        ],
        binaryFiles: ["www/big.bin": Data(mebibyte)],
        setup: { prefix in
            let date = Date(timeIntervalSince1970: 1_600_000_000)
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: prefix.path("www/r.txt"))
        })
}

/// One part of a multipart/byteranges body.
struct BytePart: Equatable {
    var contentType: String?
    var contentRange: String?
    var body: [UInt8]
}

/// Parses a multipart/byteranges body (RFC 9110 §14.6) with `boundary`.
func parseByteranges(_ body: [UInt8], boundary: String) throws -> [BytePart] {
    let delimiter = Array("--\(boundary)".utf8)
    var parts: [BytePart] = []
    var positions: [Int] = []
    var i = 0
    while i + delimiter.count <= body.count {
        if Array(body[i..<i + delimiter.count]) == delimiter { positions.append(i); i += delimiter.count } else { i += 1 }
    }
    guard positions.count >= 2 else { throw E2EError("no parts") }
    // The close delimiter ends with "--".
    let last = positions[positions.count - 1]
    guard Array(body[(last + delimiter.count)...].prefix(2)) == Array("--".utf8) else { throw E2EError("no close delimiter") }
    for (n, start) in positions.dropLast().enumerated() {
        let end = positions[n + 1]
        var chunk = Array(body[(start + delimiter.count)..<end])
        guard chunk.starts(with: Array("\r\n".utf8)) else { throw E2EError("delimiter without CRLF") }
        chunk.removeFirst(2)
        // The part's body ends with CRLF before the next delimiter.
        guard chunk.suffix(2) == Array("\r\n".utf8)[...] else { throw E2EError("part without trailing CRLF") }
        chunk.removeLast(2)
        let sep = Array("\r\n\r\n".utf8)
        guard let headEnd = (0...(chunk.count - sep.count)).first(where: { Array(chunk[$0..<$0 + sep.count]) == sep }) else {
            throw E2EError("part without head")
        }
        var part = BytePart(body: Array(chunk[(headEnd + 4)...]))
        for line in String(decoding: chunk[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n") {
            let kv = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { continue }
            if kv[0].lowercased() == "content-type" { part.contentType = kv[1] }
            if kv[0].lowercased() == "content-range" { part.contentRange = kv[1] }
        }
        parts.append(part)
    }
    return parts
}

@Suite(.serialized) struct RangeRequestTests {
    var s: E2EServer { get throws { try rangeServer.get() } }

    static let text = Array("0123456789abcdefghij".utf8)

    @Test(arguments: [
        ("bytes=0-4", "bytes 0-4/20", "01234"),
        ("bytes=-5", "bytes 15-19/20", "fghij"),
        ("bytes=15-", "bytes 15-19/20", "fghij"),
        ("bytes=10-100", "bytes 10-19/20", "abcdefghij"),
        ("bytes=-100", "bytes 0-19/20", "0123456789abcdefghij"),
        ("bytes=19-19", "bytes 19-19/20", "j"),
    ])
    func singleRange(range: String, contentRange: String, body: String) throws {
        let r = try s.get("/r.txt", [("Range", range)])
        #expect(r.status == 206)
        #expect(r.header("Content-Range") == contentRange)
        #expect(r.header("Content-Length") == String(body.utf8.count))
        #expect(r.bodyString == body)
        #expect(r.header("Content-Type") == "text/plain")
        #expect(r.header("ETag") == "\"5f5e1000-14\"")
    }

    @Test(arguments: ["bytes=20-", "bytes=30-40", "bytes=20-25"])
    func unsatisfiableIs416(range: String) throws {
        let r = try s.get("/r.txt", [("Range", range)])
        #expect(r.status == 416)
        #expect(r.header("Content-Range") == "bytes */20")
        #expect(r.bodyString.contains("<title>416 Requested Range Not Satisfiable</title>"))
    }

    @Test(arguments: ["bytes=5-2", "items=0-1", "bytes=abc", "bytes=--1"])
    func invalidRangeHeaderIsIgnoredOrRefused(range: String) throws {
        let r = try s.get("/r.txt", [("Range", range)])
        #expect([200, 416].contains(r.status))
        if r.status == 200 { #expect(r.body == Self.text) }
    }

    @Test func multipleRangesAreMultipartParsedBack() throws {
        let r = try s.get("/r.txt", [("Range", "bytes=0-1,5-6,-2")])
        #expect(r.status == 206)
        let type = try #require(r.header("Content-Type"))
        #expect(type.hasPrefix("multipart/byteranges; boundary="))
        let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
        #expect(r.header("Content-Length") == String(r.body.count))
        let parts = try parseByteranges(r.body, boundary: boundary)
        #expect(parts == [
            BytePart(contentType: "text/plain", contentRange: "bytes 0-1/20", body: Array("01".utf8)),
            BytePart(contentType: "text/plain", contentRange: "bytes 5-6/20", body: Array("56".utf8)),
            BytePart(contentType: "text/plain", contentRange: "bytes 18-19/20", body: Array("ij".utf8)),
        ])
    }

    @Test func multipleRangesOfALargeFileMatchTheFile() throws {
        let ranges = [(0, 99), (500_000, 510_239), (1_048_000, 1_048_575)]
        let header = "bytes=" + ranges.map { "\($0.0)-\($0.1)" }.joined(separator: ",")
        let r = try s.get("/big.bin", [("Range", header)])
        #expect(r.status == 206)
        let type = try #require(r.header("Content-Type"))
        let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
        let parts = try parseByteranges(r.body, boundary: boundary)
        try #require(parts.count == 3)
        for (part, range) in zip(parts, ranges) {
            #expect(part.contentRange == "bytes \(range.0)-\(range.1)/1048576")
            #expect(part.body == Array(mebibyte[range.0...range.1]))
            #expect(part.contentType == "application/octet-stream")
        }
    }

    @Test func oneKiBOfAMiB() throws {
        let r = try s.get("/big.bin", [("Range", "bytes=524288-525311")])
        #expect(r.status == 206)
        #expect(r.header("Content-Length") == "1024")
        #expect(r.header("Content-Range") == "bytes 524288-525311/1048576")
        #expect(r.body == Array(mebibyte[524_288..<525_312]))
        let whole = try s.get("/big.bin")
        #expect(whole.body == mebibyte)
    }

    @Test(arguments: [
        ("\"5f5e1000-14\"", 206),
        ("\"other\"", 200),
        ("W/\"5f5e1000-14\"", 200),
        ("Sun, 13 Sep 2020 12:26:40 GMT", 206),
        ("Sun, 13 Sep 2020 12:26:41 GMT", 200),
    ])
    func ifRange(value: String, status: Int) throws {
        let r = try s.get("/r.txt", [("Range", "bytes=0-1"), ("If-Range", value)])
        #expect(r.status == status)
        #expect(r.bodyString == (status == 206 ? "01" : "0123456789abcdefghij"))
    }

    @Test func maxRangesOneServesTheWholeFileForTwoRanges() throws {
        let two = try s.get("/one/r.txt", [("Range", "bytes=0-1,5-6")])
        #expect(two.status == 200)
        #expect(two.body == Self.text)
        let one = try s.get("/one/r.txt", [("Range", "bytes=0-1")])
        #expect(one.status == 206)
    }

    @Test func maxRangesZeroDisablesRanges() throws {
        let r = try s.get("/none/r.txt", [("Range", "bytes=0-1")])
        #expect(r.status == 200)
        #expect(r.body == Self.text)
        #expect(r.header("Accept-Ranges") == nil)
    }

    @Test func headWithRange() throws {
        let c = try s.client()
        let r = try c.request(method: "HEAD", path: "/r.txt", headers: [("Range", "bytes=0-4")])
        #expect(r.status == 206)
        #expect(r.header("Content-Length") == "5")
        #expect(r.header("Content-Range") == "bytes 0-4/20")
    }

    /// A sparse 5 GiB file: offsets and lengths above 4 GiB (32-bit overflow) stay exact.
    @Test func rangeAboveFourGiBOfASparseFile() throws {
        let s = try s
        let path = s.prefix.path("www/sparse.bin")
        let size: Int64 = 5 << 30
        let offset: Int64 = 4_500_000_000
        let marker = Array("MARKER-ABOVE-4GIB".utf8)
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { unlink(path) }
        #expect(ftruncate(fd, off_t(size)) == 0)
        #expect(pwrite(fd, marker, marker.count, off_t(offset)) == marker.count)
        close(fd)

        let end = offset + Int64(marker.count) - 1
        let r = try s.get("/sparse.bin", [("Range", "bytes=\(offset)-\(end)")])
        #expect(r.status == 206)
        #expect(r.header("Content-Range") == "bytes \(offset)-\(end)/\(size)")
        #expect(r.body == marker)
        let c = try s.client()
        let head = try c.request(method: "HEAD", path: "/sparse.bin")
        #expect(head.header("Content-Length") == String(size))
        let suffix = try s.get("/sparse.bin", [("Range", "bytes=-3")])
        #expect(suffix.header("Content-Range") == "bytes \(size - 3)-\(size - 1)/\(size)")
        #expect(suffix.body == [0, 0, 0])
    }
}
