// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig

/// A socket option or system call that failed while the master opened a listener, worded as
/// nginx words it: `bind() to 0.0.0.0:8080 failed (98: Address already in use)`.
public struct ListenSocketError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let address: ListenKey
    public let code: Int32

    public var description: String {
        "\(call) to \(address) failed (\(code): \(String(cString: strerror(code))))"
    }
}

/// Opens the master's listening sockets: bound, listening, close-on-exec (workers get them
/// through `posix_spawn` dup2, which clears the flag on the child's copy), kept at descriptors
/// >= 64 so the dup2 to 3... in the child never overwrites a source descriptor.
public enum ListenSocket {
    /// Descriptors below this are left for the child's 3... slots.
    static let minimumDescriptor: Int32 = 64

    /// Opens one listener for `address`.
    /// - Parameters:
    ///   - reusePort: `SO_REUSEPORT`, so every worker slot has its own accept queue on the address.
    ///   - ipv6Only: `IPV6_V6ONLY` for IPv6 addresses (nginx's default on).
    public static func open(_ address: ListenKey, backlog: Int32, reusePort: Bool, ipv6Only: Bool = true) throws(ListenSocketError) -> Int32 {
        let family: Int32
        switch address {
        case .ipv4: family = AF_INET
        case .ipv6: family = AF_INET6
        case .unix: family = AF_UNIX
        }
        let raw = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw ListenSocketError(call: "socket()", address: address, code: errno) }
        let fd = fcntl(raw, F_DUPFD_CLOEXEC, minimumDescriptor)
        close(raw)
        guard fd >= 0 else { throw ListenSocketError(call: "fcntl(F_DUPFD_CLOEXEC)", address: address, code: errno) }
        do throws(ListenSocketError) {
            try configureAndBind(fd, address: address, reusePort: reusePort, ipv6Only: ipv6Only)
            guard listen(fd, backlog) == 0 else { throw ListenSocketError(call: "listen()", address: address, code: errno) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Fails with nginx's `bind() ... (98: Address already in use)` when another process (a
    /// second master) listens on `address`: a socket without `SO_REUSEPORT` cannot join an
    /// existing reuse-port group, so a plain bind detects what the per-slot sockets would hide.
    public static func checkAvailable(_ address: ListenKey, ipv6Only: Bool = true) throws(ListenSocketError) {
        if case .unix = address { return }
        let fd = try open(address, backlog: 1, reusePort: false, ipv6Only: ipv6Only)
        close(fd)
    }

    /// Applies a new `backlog=` to a listener kept across a reload.
    public static func relisten(_ fd: Int32, backlog: Int32) {
        _ = listen(fd, backlog)
    }

    private static func configureAndBind(_ fd: Int32, address: ListenKey, reusePort: Bool, ipv6Only: Bool) throws(ListenSocketError) {
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        switch address {
        case .ipv4(let host, let port):
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
            if reusePort { setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            let text = host == "*" ? "0.0.0.0" : host
            guard inet_pton(AF_INET, text, &addr.sin_addr) == 1 else {
                throw ListenSocketError(call: "inet_pton()", address: address, code: EINVAL)
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard rc == 0 else { throw ListenSocketError(call: "bind()", address: address, code: errno) }
        case .ipv6(let host, let port):
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
            if reusePort { setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size) }
            var v6only: Int32 = ipv6Only ? 1 : 0
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6only, size)
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else {
                throw ListenSocketError(call: "inet_pton()", address: address, code: EINVAL)
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
            guard rc == 0 else { throw ListenSocketError(call: "bind()", address: address, code: errno) }
        case .unix(let path):
            // As the single-process server does: a socket file left by a dead process is replaced.
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: addr.sun_path)
            guard path.utf8.count < capacity else {
                throw ListenSocketError(call: "bind()", address: address, code: ENAMETOOLONG)
            }
            withUnsafeMutableBytes(of: &addr.sun_path) { buffer in
                for (i, byte) in path.utf8.enumerated() { buffer[i] = byte }
                buffer[path.utf8.count] = 0
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0 else { throw ListenSocketError(call: "bind()", address: address, code: errno) }
        }
    }

    /// The socket's inode, to tell whether a worker still holds it (`/proc/PID/fd`).
    static func inode(of fd: Int32) -> UInt64? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }
}
