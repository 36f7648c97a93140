import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import SWHostHTTPCore

/// A responder that answers 200 "ok\n" with the listener tag in a header.
struct TagResponder: HTTPResponder {
    func respond(to request: HTTPRequest, writer: ResponseWriter) {
        writer.send(ResponseHead(status: 200, headers: ["Server": "swhost", "X-Tag": String(request.connection.listenerTag)]), body: .bytes(ByteBuffer(string: "ok\n")))
    }
}

func readAll(_ fd: CInt) -> String {
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return Harness.maskDate(String(decoding: out, as: UTF8.self))
}

@Suite(.serialized) struct ServerListenerTests {
    let expected = { (tag: Int) in
        "HTTP/1.1 200 OK\r\nServer: swhost\r\nDate: D\r\nContent-Length: 3\r\nConnection: close\r\nX-Tag: \(tag)\r\n\r\nok\n"
    }

    @Test func unixSocketListenerServes() async throws {
        let path = NSTemporaryDirectory() + "swhost-core-\(getpid()).sock"
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = HTTPServer(group: group, responder: TagResponder())
        _ = try await server.start([ListenerConfiguration(address: .unix(path: path), tag: 3)])
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, c) in path.utf8.enumerated() { raw[i] = c }
        }
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(rc == 0)
        _ = "GET / HTTP/1.0\r\n\r\n".withCString { send(fd, $0, strlen($0), 0) }
        #expect(readAll(fd) == expected(3))
        close(fd)
        try await server.quiesce().get()
        try await group.shutdownGracefully()
        unlink(path)
    }

    @Test func inheritedListeningDescriptorIsAdopted() async throws {
        // What the master process hands a worker: a bound, listening socket.
        let lfd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(lfd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(listen(lfd, 16) == 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(lfd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = HTTPServer(group: group, responder: TagResponder())
        _ = try await server.start([ListenerConfiguration(address: .inherited(descriptor: lfd), tag: 9)])
        let out = try rawExchange(port: port, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(Harness.maskDate(String(decoding: out, as: UTF8.self)) == expected(9))
        #expect(server.counters.snapshot.requests == 1)
        #expect(server.counters.snapshot.accepts == 1)
        try await server.quiesce().get()
        try await group.shutdownGracefully()
    }

    @Test func quiesceWaitsForTheBusyConnection() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = HTTPServer(group: group, responder: TagResponder())
        let bound = try await server.start([ListenerConfiguration(address: .tcp(host: "127.0.0.1", port: 0), tag: 1)])
        let port = try #require(bound[0].localAddress?.port)
        // An idle keep-alive connection: closed by quiesce.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".withCString { send(fd, $0, strlen($0), 0) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buf, buf.count, 0)
        #expect(n > 0)
        try await server.quiesce().get()
        #expect(recv(fd, &buf, buf.count, 0) == 0)  // EOF: the server closed the idle connection
        close(fd)
        try await group.shutdownGracefully()
    }
}

@Suite(.serialized) struct ServerStressTests {
    /// Several clients at once, each pipelining many requests in one write over a real socket:
    /// every request gets its response, in order, and the counters add up.
    @Test func concurrentPipelinedClientsAllGetTheirResponses() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let server = HTTPServer(group: group, responder: TagResponder())
        let bound = try await server.start([ListenerConfiguration(address: .tcp(host: "127.0.0.1", port: 0), tag: 5)])
        let port = try #require(bound[0].localAddress?.port)
        let perClient = 200
        let clients = 6
        let results = try await withThrowingTaskGroup(of: Int.self) { tasks in
            for _ in 0..<clients {
                tasks.addTask {
                    var request = ""
                    for i in 0..<perClient { request += "GET /\(i) HTTP/1.1\r\nHost: a\r\n\r\n" }
                    request += "GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    let out = String(decoding: try rawExchange(port: port, request), as: UTF8.self)
                    return out.components(separatedBy: "HTTP/1.1 200 OK\r\n").count - 1
                }
            }
            var all: [Int] = []
            for try await n in tasks { all.append(n) }
            return all
        }
        #expect(results == Array(repeating: perClient + 1, count: clients))
        #expect(server.counters.snapshot.requests == clients * (perClient + 1))
        try await server.quiesce().get()
        #expect(server.counters.snapshot.active == 0)
        try await group.shutdownGracefully()
    }
}
