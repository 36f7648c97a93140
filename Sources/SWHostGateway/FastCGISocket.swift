// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization

/// The system calls of a FastCGI upstream connection: a non-blocking stream socket connected
/// without NIO's channel machinery (a unix socket connects at once or fails at once; a TCP one
/// may be in progress), written with `send(MSG_NOSIGNAL)` and read with `read`.
enum FastCGISocket {
    /// What `connect` did.
    enum Connect {
        case connected(Int32)
        /// A TCP connect in progress: wait for writability, then `pendingError`.
        case inProgress(Int32)
        /// The message nginx logs (`connect() to unix:/x failed (2: No such file or directory)`).
        case failed(String)
    }

    /// A new non-blocking, close-on-exec socket connecting to `address`.
    static func connect(_ address: FastCGIAddress) -> Connect {
        switch address {
        case .unix(let path):
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: addr.sun_path)
            guard path.utf8.count < capacity else {
                return .failed("connect() to unix:\(path) failed (\(ENAMETOOLONG): \(errorText(ENAMETOOLONG)))")
            }
            withUnsafeMutableBytes(of: &addr.sun_path) { raw in
                raw.copyBytes(from: path.utf8)
                raw[path.utf8.count] = 0
            }
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return .failed("socket() failed (\(errno): \(errorText(errno)))") }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + path.utf8.count + 1)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
            }
            if rc == 0 { return .connected(fd) }
            let error = errno
            close(fd)
            // A unix socket never connects asynchronously: EAGAIN is a full backlog, an error as in nginx.
            return .failed("connect() to unix:\(path) failed (\(error): \(errorText(error)))")
        case .inet(let host, let port):
            guard let resolved = InetAddressCache.shared.resolve(host: host, port: port) else {
                return .failed("host not found in upstream \"\(host):\(port)\"")
            }
            let fd = socket(Int32(resolved.family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return .failed("socket() failed (\(errno): \(errorText(errno)))") }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let rc = resolved.storage.withUnsafeBytes { raw in
                Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), resolved.length)
            }
            if rc == 0 { return .connected(fd) }
            let error = errno
            if error == EINPROGRESS { return .inProgress(fd) }
            close(fd)
            return .failed("connect() to \(host):\(port) failed (\(error): \(errorText(error)))")
        }
    }

    /// The outcome of an asynchronous connect (`SO_ERROR`): 0 when connected.
    static func pendingError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { return errno }
        return error
    }

    /// Writes as much of `buffer` as the socket takes, consuming it. Returns 0, or the error
    /// number of a failed write (EAGAIN is not one: the rest stays in `buffer`).
    static func send(_ fd: Int32, _ buffer: inout ByteBuffer) -> Int32 {
        while buffer.readableBytes > 0 {
            let n = buffer.withUnsafeReadableBytes { raw in
                Glibc.send(fd, raw.baseAddress!, raw.count, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                buffer.moveReaderIndex(forwardBy: n)
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { return 0 }
            return error
        }
        return 0
    }

    /// What one `read` produced.
    enum Read {
        case bytes(ByteBuffer)
        case wouldBlock
        case end
        case failed(Int32)
    }

    /// One `read` of up to `size` bytes.
    static func read(_ fd: Int32, size: Int) -> Read {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        while true {
            var result = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
                result = Glibc.read(fd, raw.baseAddress!, size)
                return Swift.max(0, result)
            }
            if result > 0 { return .bytes(buffer) }
            if result == 0 { return .end }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK { return .wouldBlock }
            return .failed(error)
        }
    }

    /// `strerror` text.
    static func errorText(_ error: Int32) -> String {
        String(cString: strerror(error))
    }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

extension FastCGIAddress {
    /// The upstream as nginx prints it in the error log's `upstream:` field
    /// (`fastcgi://unix:/run/php.sock:`, `fastcgi://127.0.0.1:9000`).
    public var logName: String {
        switch self {
        case .unix(let path): "fastcgi://unix:\(path):"
        case .inet(let host, let port): "fastcgi://\(host):\(port)"
        }
    }
}

/// Numeric addresses of `fastcgi_pass host:port` upstreams, resolved once per process (nginx
/// resolves them when it reads the configuration).
final class InetAddressCache: Sendable {
    struct Resolved: Sendable {
        var storage: [UInt8]
        var length: socklen_t
        var family: Int32
    }

    static let shared = InetAddressCache()
    private let cache = Mutex<[String: Resolved]>([:])

    func resolve(host: String, port: Int) -> Resolved? {
        let key = "\(host):\(port)"
        if let hit = cache.withLock({ $0[key] }) { return hit }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(name, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        let length = Int(first.pointee.ai_addrlen)
        let storage = Array(UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: length))
        let resolved = Resolved(storage: storage, length: socklen_t(length), family: first.pointee.ai_family)
        cache.withLock { $0[key] = resolved }
        return resolved
    }
}
