import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import SWHostHTTPCore

/// A stream yielding fixed chunks, then optionally failing.
struct ChunkStream: ResponseBodyStream {
    let chunks: [String]
    let failAtEnd: Bool
    let counter = Counter()

    final class Counter: @unchecked Sendable {  // only touched by one task at a time (next() is awaited serially)
        var index = 0
    }

    struct Boom: Error {}

    func next() async throws -> ByteBuffer? {
        let i = counter.index
        counter.index += 1
        if i < chunks.count { return ByteBuffer(string: chunks[i]) }
        if failAtEnd { throw Boom() }
        return nil
    }
}

struct LoopbackResponder: HTTPResponder {
    let file: OpenFile

    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        let head = ResponseHead(status: 200, headers: ["Server": "swhost"])
        switch request.uri.path {
        case "/file": writer.send(head, body: .file(FileBody(file: file)))
        case "/range": writer.send(head, body: .file(FileBody(file: file, offset: 10, length: 20)))
        case "/parts":
            writer.send(head, body: .parts([.bytes(ByteBuffer(string: "<")), .file(FileBody(file: file, offset: 0, length: 5)), .bytes(ByteBuffer(string: ">"))]))
        case "/stream": writer.send(head, body: .stream(ChunkStream(chunks: ["abc", "defgh"], failAtEnd: false), length: nil))
        case "/broken": writer.send(head, body: .stream(ChunkStream(chunks: ["abc"], failAtEnd: true), length: nil))
        case "/echo":
            // Off the event loop, as an async handler would: both calls hop to the loop.
            Task.detached {
                let body = try await request.collectBody(limit: 1000).get()
                writer.send(head, body: .bytes(body))
            }
        case "/upload":
            // Async consumption with tiny watermarks: reads pause and resume many times.
            let body = request.bodySequence(limit: 1 << 20, lowWatermark: 1024, highWatermark: 4096)
            Task.detached {
                var total = 0
                var sum = 0
                do {
                    for try await chunk in body {
                        total += chunk.readableBytes
                        sum = chunk.readableBytesView.reduce(sum) { ($0 &+ Int($1)) & 0xFFFFFF }
                        try await Task.sleep(nanoseconds: 100_000)
                    }
                    writer.send(head, body: .bytes(ByteBuffer(string: "\(total) \(sum)")))
                } catch {
                    writer.send(ResponseHead(status: 413, headers: ["Server": "swhost"]), body: .empty)
                }
            }
        default: writer.send(ResponseHead(status: 404, headers: ["Server": "swhost"]), body: .empty)
        }
    }
}

/// Sends `request` on a fresh TCP connection and reads until the server closes.
func rawExchange(port: Int, _ request: String) throws -> [UInt8] {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var tv = timeval(tv_sec: 30, tv_usec: 0)  // generous: a loaded CI machine can starve the server for seconds
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    precondition(rc == 0)
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        sent += n
    }
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

@Suite(.serialized) struct LoopbackServerTests {
    static let content: [UInt8] = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }

    func withServer(nopush: Bool = false, _ body: (Int) throws -> Void) async throws {
        let path = NSTemporaryDirectory() + "swhost-core-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).bin"
        _ = FileManager.default.createFile(atPath: path, contents: Data(Self.content))
        defer { unlink(path) }
        let file = try #require(OpenFile(adopting: open(path, O_RDONLY | O_CLOEXEC)))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = HTTPServer(group: group, responder: LoopbackResponder(file: file))
        var conf = ConnectionConfiguration()
        conf.tcpNopush = nopush
        // A loaded CI machine can take longer than nginx's 5 s lingering_timeout to push the
        // multi-megabyte bodies of the 413 tests; what they check is the lingering close itself.
        conf.lingeringTimeout = .seconds(60)
        conf.lingeringTime = .seconds(120)
        let bound = try await server.start([ListenerConfiguration(address: .tcp(host: "127.0.0.1", port: 0), tag: 1, connection: conf)])
        let port = try #require(bound.first?.localAddress?.port)
        try body(port)
        try await server.quiesce().get()
        #expect(server.connectionCount == 0)
        #expect(server.counters.snapshot.active == 0)
        try await group.shutdownGracefully()
    }

    static func split(_ bytes: [UInt8]) -> (head: String, body: [UInt8]) {
        let sep: [UInt8] = Array("\r\n\r\n".utf8)
        var i = 0
        while i + 4 <= bytes.count, Array(bytes[i..<(i + 4)]) != sep { i += 1 }
        let head = Harness.maskDate(String(decoding: bytes[0..<i], as: UTF8.self))
        return (head, Array(bytes[min(i + 4, bytes.count)...]))
    }

    @Test(arguments: [false, true])
    func fileBodyIsSentWholeWithSendfile(nopush: Bool) async throws {
        try await withServer(nopush: nopush) { port in
            let (head, body) = Self.split(try rawExchange(port: port, "GET /file HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
            #expect(head == "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Length: 200000\r\nConnection: close")
            #expect(body == Self.content)
        }
    }

    @Test func fileRangeAndPartsAreExact() async throws {
        try await withServer { port in
            let (head, body) = Self.split(try rawExchange(port: port, "GET /range HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
            #expect(head.contains("Content-Length: 20\r\n"))
            #expect(body == Array(Self.content[10..<30]))
            let parts = Self.split(try rawExchange(port: port, "GET /parts HTTP/1.0\r\n\r\n"))
            #expect(parts.body == Array("<".utf8) + Array(Self.content[0..<5]) + Array(">".utf8))
        }
    }

    @Test func streamBodyIsChunkedOnHTTP11AndCloseDelimitedOn10() async throws {
        try await withServer { port in
            let r11 = Self.split(try rawExchange(port: port, "GET /stream HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))
            #expect(r11.head == "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nTransfer-Encoding: chunked\r\nConnection: close")
            #expect(String(decoding: r11.body, as: UTF8.self) == "3\r\nabc\r\n5\r\ndefgh\r\n0\r\n\r\n")
            let r10 = Self.split(try rawExchange(port: port, "GET /stream HTTP/1.0\r\n\r\n"))
            #expect(r10.head == "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nConnection: close")
            #expect(String(decoding: r10.body, as: UTF8.self) == "abcdefgh")
        }
    }

    @Test func bodyAndResponseFromAnotherThread() async throws {
        try await withServer { port in
            let r = Self.split(try rawExchange(port: port, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"))
            #expect(r.head == "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Length: 5\r\nConnection: close")
            #expect(String(decoding: r.body, as: UTF8.self) == "hello")
        }
    }

    @Test func largeBodyThroughTheAsyncSequenceWithBackpressure() async throws {
        try await withServer { port in
            let payload = String(repeating: "0123456789abcdef", count: 20_000)  // 320 000 bytes
            let sum = payload.utf8.reduce(0) { ($0 &+ Int($1)) & 0xFFFFFF }
            let r = Self.split(try rawExchange(port: port, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: \(payload.utf8.count)\r\nConnection: close\r\n\r\n" + payload))
            #expect(String(decoding: r.body, as: UTF8.self) == "320000 \(sum)")
            let big = Self.split(try rawExchange(port: port, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n"))
            #expect(big.head.hasPrefix("HTTP/1.1 413 Request Entity Too Large\r\n"))
        }
    }

    /// The client is still sending when 413 goes out: without a lingering close the unread bytes
    /// make the kernel answer with RST, and the client may never see the response.
    @Test func tooLargeBodyStillSentGets413() async throws {
        try await withServer { port in
            let payload = String(repeating: "x", count: 3_000_000)
            let r = Self.split(try rawExchange(port: port, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 3000000\r\n\r\n" + payload))
            #expect(r.head.hasPrefix("HTTP/1.1 413 Request Entity Too Large\r\n"))
            // Chunked: the limit is found while reading, with megabytes still on the way.
            let chunked = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(repeating: "10000\r\n" + String(repeating: "y", count: 65536) + "\r\n", count: 48) + "0\r\n\r\n"
            let c = Self.split(try rawExchange(port: port, chunked))
            #expect(c.head.hasPrefix("HTTP/1.1 413 Request Entity Too Large\r\n"))
        }
    }

    @Test func failingStreamClosesWithoutTheLastChunk() async throws {
        try await withServer { port in
            let r = Self.split(try rawExchange(port: port, "GET /broken HTTP/1.1\r\nHost: a\r\n\r\n"))
            #expect(r.head.contains("Transfer-Encoding: chunked"))
            #expect(String(decoding: r.body, as: UTF8.self) == "3\r\nabc\r\n")
        }
    }
}

@Suite(.serialized) struct LingeringCloseTests {
    /// After a final response with body bytes still unread, the server shuts down only its write
    /// side: more client bytes are discarded, not answered with RST.
    @Test(arguments: [true, false])
    func unreadBodyIsDiscardedNotReset(lingering: Bool) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = HTTPServer(group: group, responder: TagResponder())
        var conf = ConnectionConfiguration()
        conf.lingeringClose = lingering
        let bound = try await server.start([ListenerConfiguration(address: .tcp(host: "127.0.0.1", port: 0), connection: conf)])
        let port = try #require(bound[0].localAddress?.port)

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = "POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n0123456789".withCString { send(fd, $0, strlen($0), 0) }
        #expect(readAll(fd).hasPrefix("HTTP/1.1 200 OK\r\n"))  // up to the server's FIN
        // More of the body after the response: a lingering server discards it; a closed socket
        // answers with RST, which fails the next send.
        let more = [UInt8](repeating: 0x7A, count: 1000)
        _ = more.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        usleep(100_000)
        let second = more.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if lingering {
            #expect(second == 1000)
        } else {
            #expect(second < 0)  // control: without lingering the peer resets
        }
        try await server.quiesce().get()
        try await group.shutdownGracefully()
    }
}
