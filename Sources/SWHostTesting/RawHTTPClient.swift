// swhost: SWHostTesting.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A deliberately low-level HTTP/1.x client over a BSD socket, for end-to-end tests that need
/// exact bytes: pipelining, malformed requests, keep-alive and close behaviour.
///
/// Reads are blocking with a timeout (`SO_RCVTIMEO`); bytes read past one response stay buffered
/// for the next `readResponse()`, so pipelined responses are read one by one.
public final class RawHTTPClient {
    public let host: String
    public let port: Int
    /// How long one read may wait for bytes.
    public var readTimeout: Duration {
        didSet { applyTimeout() }
    }

    private var fd: Int32
    private var buffer: [UInt8] = []
    private var peerClosed = false

    /// Connects to `host:port` (a numeric IPv4 or IPv6 address, or a name).
    public init(host: String = "127.0.0.1", port: Int, readTimeout: Duration = .seconds(5)) throws {
        self.host = host
        self.port = port
        self.readTimeout = readTimeout
        self.fd = try Self.connect(host: host, port: port)
        applyTimeout()
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Closes the connection.
    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Half-closes the sending side (`shutdown(SHUT_WR)`).
    public func shutdownWrite() {
        if fd >= 0 { shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Sends bytes as they are.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SocketError.system("send", errno)
            }
            offset += n
        }
    }

    /// Sends a string's UTF-8 bytes as they are (write `\r\n` yourself).
    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Sends a request and reads its response. Adds `Host: host:port` unless `headers` has one,
    /// and `Content-Length` when a body is given and neither it nor `Transfer-Encoding` is set.
    public func request(
        method: String = "GET", path: String, version: String = "HTTP/1.1",
        headers: [(String, String)] = [], body: [UInt8]? = nil
    ) throws -> RawHTTPResponse {
        var head = "\(method) \(path) \(version)\r\n"
        let names = Set(headers.map { $0.0.lowercased() })
        if !names.contains("host") { head += "Host: \(host.contains(":") ? "[\(host)]" : host):\(port)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body, !names.contains("content-length"), !names.contains("transfer-encoding") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try send(Array(head.utf8) + (body ?? []))
        return try readResponse(isHEAD: method == "HEAD")
    }

    /// Reads one response. `isHEAD` says the request was HEAD, whose response has no body
    /// whatever its `Content-Length`.
    public func readResponse(isHEAD: Bool = false) throws -> RawHTTPResponse {
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let headBytes = Array(buffer[..<headEnd])
        buffer.removeFirst(headEnd + 4)
        let rawHead = String(decoding: headBytes, as: UTF8.self)
        var lines = rawHead.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]), parts[1].count == 3 else {
            throw SocketError.malformed("status line \(statusLine.debugDescription)")
        }
        let headers = try Self.parseFields(lines)
        var response = RawHTTPResponse(
            version: String(parts[0]), status: status, reason: parts.count > 2 ? String(parts[2]) : "",
            headers: headers, body: [], trailers: HTTPHeaderList(), framing: .none, rawHead: rawHead
        )
        if isHEAD || (100..<200).contains(status) || status == 204 || status == 304 {
            return response
        }
        if let te = headers["Transfer-Encoding"], te.lowercased().contains("chunked") {
            response.framing = .chunked
            try readChunked(into: &response)
        } else if let cl = headers["Content-Length"] {
            guard let length = Int(cl.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                throw SocketError.malformed("Content-Length \(cl)")
            }
            response.framing = .contentLength(length)
            try fill(length)
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else {
            response.framing = .close
            while try readMore() {}
            response.body = buffer
            buffer.removeAll()
        }
        return response
    }

    /// True when the server has closed the connection (EOF or reset) within `timeout`; false when
    /// it is still open (nothing arrived) or sent more bytes (which stay buffered).
    public func isClosedByPeer(within timeout: Duration = .milliseconds(500)) -> Bool {
        if peerClosed { return true }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&pfd, 1, ms)
        if ready <= 0 { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE)) {
            peerClosed = true
            return true
        }
        return false
    }

    /// Bytes received but not yet consumed by `readResponse()`.
    public var bufferedBytes: [UInt8] { buffer }

    // MARK: - Reading

    private func applyTimeout() {
        guard fd >= 0 else { return }
        let (s, atto) = readTimeout.components
        var tv = timeval(tv_sec: Int(s), tv_usec: Int(atto / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads more bytes into the buffer; false at EOF.
    private func readMore() throws -> Bool {
        if peerClosed { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[..<n])
                return true
            }
            if n == 0 {
                peerClosed = true
                return false
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw SocketError.timedOut
            case ECONNRESET:
                peerClosed = true
                return false
            default: throw SocketError.system("recv", errno)
            }
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count {
            guard try readMore() else { throw SocketError.closedByPeer }
        }
    }

    /// The index where `pattern` starts in the buffer, reading until it appears.
    private func readUntil(_ pattern: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= pattern.count {
                let last = buffer.count - pattern.count
                if searchFrom <= last {
                    for i in searchFrom...last where buffer[i] == pattern[0] && Array(buffer[i..<(i + pattern.count)]) == pattern {
                        return i
                    }
                    searchFrom = last + 1
                }
            }
            guard try readMore() else { throw SocketError.closedByPeer }
        }
    }

    private func readLine() throws -> String {
        let end = try readUntil([13, 10])
        let line = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 2)
        return line
    }

    private func readChunked(into response: inout RawHTTPResponse) throws {
        while true {
            let sizeLine = try readLine()
            let hex = sizeLine.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(hex, radix: 16), size >= 0 else {
                throw SocketError.malformed("chunk size \(sizeLine.debugDescription)")
            }
            if size == 0 { break }
            try fill(size + 2)
            response.body.append(contentsOf: buffer[..<size])
            guard buffer[size] == 13, buffer[size + 1] == 10 else { throw SocketError.malformed("chunk not followed by CRLF") }
            buffer.removeFirst(size + 2)
        }
        var trailerLines: [String] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            trailerLines.append(line)
        }
        response.trailers = try Self.parseFields(trailerLines)
    }

    private static func parseFields(_ lines: [String]) throws -> HTTPHeaderList {
        var fields: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw SocketError.malformed("header line \(line.debugDescription)") }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
            fields.append((name, value))
        }
        return HTTPHeaderList(fields)
    }

    // MARK: - Connecting

    private static func connect(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw SocketError.badAddress(host)
        }
        defer { freeaddrinfo(result) }
        var lastError: Int32 = 0
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    return fd
                }
                lastError = errno
                Glibc.close(fd)
            } else {
                lastError = errno
            }
            info = ai.pointee.ai_next
        }
        throw SocketError.system("connect", lastError)
    }

    /// True when a TCP connection to `host:port` succeeds now.
    public static func canConnect(host: String = "127.0.0.1", port: Int) -> Bool {
        guard let fd = try? connect(host: host, port: port) else { return false }
        Glibc.close(fd)
        return true
    }
}
