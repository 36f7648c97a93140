// swhost: SWHostTesting.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Free loopback TCP ports.
public enum FreePort {
    /// Binds 127.0.0.1:0, reads the port the kernel chose, closes the socket and returns the port.
    /// (Another process could take it before the caller binds; in practice the kernel does not
    /// hand the same ephemeral port out again at once.)
    public static func allocate() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError.system("socket", errno) }
        defer { close(fd) }
        var addr = sockaddr_in.loopback(port: 0)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw SocketError.system("bind", errno) }
        var out = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let got = withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard got == 0 else { throw SocketError.system("getsockname", errno) }
        return Int(UInt16(bigEndian: out.sin_port))
    }
}

/// A failed socket call or protocol step.
public enum SocketError: Error, CustomStringConvertible, Equatable {
    /// A system call failed with errno.
    case system(String, Int32)
    /// A read did not complete before the timeout.
    case timedOut
    /// The peer closed the connection before a complete response.
    case closedByPeer
    /// The response could not be parsed.
    case malformed(String)
    /// A name could not be resolved.
    case badAddress(String)

    public var description: String {
        switch self {
        case .system(let call, let err): "\(call)() failed (\(err): \(String(cString: strerror(err))))"
        case .timedOut: "timed out"
        case .closedByPeer: "connection closed by peer"
        case .malformed(let why): "malformed response: \(why)"
        case .badAddress(let host): "bad address \(host)"
        }
    }
}

extension sockaddr_in {
    static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }
}
