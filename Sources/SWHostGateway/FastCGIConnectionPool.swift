// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import CEpoll
import Synchronization

/// A kept upstream socket between requests, still registered with the reactor under `token`.
struct FastCGIKeptConnection: Sendable {
    let fd: Int32
    let token: UInt64
}

/// Idle FastCGI connections kept for reuse (`fastcgi_keep_conn on`), per upstream address, as
/// nginx's upstream keepalive cache: a connection goes back after END_REQUEST when the request
/// was fully sent and nothing else arrived; a bounded number wait per upstream (the oldest
/// closed first) and each is closed after `idleTimeout` unused. An idle socket stays in the
/// reactor's epoll set, so an upstream that closes it (php-fpm's `pm.max_requests`, a restart)
/// is noticed and the socket dropped instead of being handed out.
///
/// Keep the bound at or below the upstream's process count: php-fpm and php-cgi give a whole
/// process to each open connection, idle or not.
public final class FastCGIConnectionPool: Sendable {
    /// One idle socket: the reactor client for its token while it waits.
    final class Idle: GatewayReactorClient {
        let connection: FastCGIKeptConnection
        let address: FastCGIAddress
        let expires: UInt64
        let pool: FastCGIConnectionPool
        let reactor: GatewayReactor

        init(_ connection: FastCGIKeptConnection, _ address: FastCGIAddress, expires: UInt64, pool: FastCGIConnectionPool,
             reactor: GatewayReactor) {
            self.connection = connection
            self.address = address
            self.expires = expires
            self.pool = pool
            self.reactor = reactor
        }

        /// Anything but writability while idle (the upstream closed it, or sent something
        /// unasked) makes it unusable. Returns false when it was handed out meanwhile.
        func handle(events: UInt32) -> Bool {
            guard events & ~EPOLLOUT.rawValue != 0 else { return pool.contains(self) }
            return pool.drop(self)
        }

        func checkDeadline(now: UInt64) {
            if now >= expires { _ = pool.drop(self) }
        }
    }

    /// The pool every `fastcgi_keep_conn on` location uses.
    public static let shared = FastCGIConnectionPool(maxIdlePerUpstream: 8, idleTimeout: .seconds(10))

    public let maxIdlePerUpstream: Int
    public let idleTimeout: TimeAmount
    private let idle = Mutex<[FastCGIAddress: [Idle]]>([:])

    public init(maxIdlePerUpstream: Int, idleTimeout: TimeAmount) {
        self.maxIdlePerUpstream = maxIdlePerUpstream
        self.idleTimeout = idleTimeout
    }

    /// Idle connections to `address` (for tests and status). Connections are per process, not
    /// per event loop: `loop` is accepted for compatibility and not used.
    public func idleCount(_ address: FastCGIAddress, on loop: (any EventLoop)? = nil) -> Int {
        idle.withLock { $0[address]?.count ?? 0 }
    }

    /// The most recently used idle connection to `address`, or nil. The caller becomes the
    /// reactor client of its token (`GatewayReactor.reassign`).
    func checkout(_ address: FastCGIAddress) -> FastCGIKeptConnection? {
        idle.withLock { $0[address]?.popLast()?.connection }
    }

    /// Keeps `connection` for the next request to `address`; the oldest idle one beyond the
    /// bound is closed.
    func checkin(_ connection: FastCGIKeptConnection, _ address: FastCGIAddress, reactor: GatewayReactor) {
        let entry = Idle(connection, address, expires: FastCGISocket.now() + UInt64(max(1, idleTimeout.nanoseconds)),
                         pool: self, reactor: reactor)
        reactor.reassign(connection.token, to: entry)
        let evicted = idle.withLock { all -> Idle? in
            var list = all[address] ?? []
            list.append(entry)
            let evicted = list.count > maxIdlePerUpstream ? list.removeFirst() : nil
            all[address] = list
            return evicted
        }
        if let evicted { Self.close(evicted) }
    }

    private func contains(_ entry: Idle) -> Bool {
        idle.withLock { $0[entry.address]?.contains { $0 === entry } ?? false }
    }

    /// Closes `entry` if it is still idle; false when it was handed out.
    private func drop(_ entry: Idle) -> Bool {
        let removed = idle.withLock { all -> Bool in
            guard let index = all[entry.address]?.firstIndex(where: { $0 === entry }) else { return false }
            all[entry.address]!.remove(at: index)
            return true
        }
        if removed { Self.close(entry) }
        return removed
    }

    private static func close(_ entry: Idle) {
        entry.reactor.remove(entry.connection.token)
        Glibc.close(entry.connection.fd)
    }
}
