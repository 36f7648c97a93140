// swhost: CGI and FastCGI gateways.

import NIOCore
import Synchronization

/// One FastCGI connection with its reader, as kept between requests.
struct FastCGIConnection: Sendable {
    let channel: any Channel
    let queue: InboundQueue
}

/// Idle FastCGI connections kept for reuse (`fastcgi_keep_conn on`), per event loop and upstream
/// address, as nginx's upstream keepalive cache: a connection goes back after END_REQUEST when
/// the request was fully sent and nothing else arrived; a bounded number wait per upstream
/// (the oldest closed first) and each is closed after `idleTimeout` unused. An idle connection
/// keeps a read pending, so an upstream that closes it (php-fpm's `pm.max_requests`, a restart)
/// is noticed and the connection dropped instead of being handed out.
///
/// Keep the bound at or below the upstream's process count per event loop: php-fpm and php-cgi
/// give a whole process to each open connection, idle or not.
public final class FastCGIConnectionPool: Sendable {
    struct Key: Hashable {
        var loop: ObjectIdentifier
        var address: FastCGIAddress
    }

    struct Entry {
        var connection: FastCGIConnection
        var token: UInt64
    }

    struct State {
        var idle: [Key: [Entry]] = [:]
        var nextToken: UInt64 = 0
    }

    /// The pool every `fastcgi_keep_conn on` location uses.
    public static let shared = FastCGIConnectionPool(maxIdlePerUpstream: 8, idleTimeout: .seconds(10))

    public let maxIdlePerUpstream: Int
    public let idleTimeout: TimeAmount
    private let state = Mutex(State())

    public init(maxIdlePerUpstream: Int, idleTimeout: TimeAmount) {
        self.maxIdlePerUpstream = maxIdlePerUpstream
        self.idleTimeout = idleTimeout
    }

    /// Idle connections to `address` on `loop` (for tests and status).
    public func idleCount(_ address: FastCGIAddress, on loop: any EventLoop) -> Int {
        state.withLock { $0.idle[Key(loop: ObjectIdentifier(loop), address: address)]?.count ?? 0 }
    }

    /// The most recently used idle connection that is still open and quiet, or nil. Runs on
    /// `loop` (the queues are confined to it); unusable ones met on the way are closed.
    func checkout(_ address: FastCGIAddress, on loop: any EventLoop) -> FastCGIConnection? {
        loop.preconditionInEventLoop()
        let key = Key(loop: ObjectIdentifier(loop), address: address)
        while let entry = state.withLock({ $0.idle[key]?.popLast() }) {
            if entry.connection.channel.isActive && entry.connection.queue.isQuiet { return entry.connection }
            entry.connection.channel.close(promise: nil)
        }
        return nil
    }

    /// Keeps `connection` for the next request to `address` on `loop`. Runs on `loop`.
    func checkin(_ connection: FastCGIConnection, _ address: FastCGIAddress, on loop: any EventLoop) {
        loop.preconditionInEventLoop()
        guard connection.channel.isActive, connection.queue.isQuiet else {
            connection.channel.close(promise: nil)
            return
        }
        let key = Key(loop: ObjectIdentifier(loop), address: address)
        let (token, evicted) = state.withLock { s -> (UInt64, Entry?) in
            s.nextToken &+= 1
            var list = s.idle[key] ?? []
            list.append(Entry(connection: connection, token: s.nextToken))
            let evicted = list.count > maxIdlePerUpstream ? list.removeFirst() : nil
            s.idle[key] = list
            return (s.nextToken, evicted)
        }
        evicted?.connection.channel.close(promise: nil)
        // Watch for the upstream closing it (or sending something unasked) while idle.
        connection.queue.watchWhileIdle()
        loop.scheduleTask(in: idleTimeout) { [self] in
            let expired = state.withLock { s -> Entry? in
                guard let index = s.idle[key]?.firstIndex(where: { $0.token == token }) else { return nil }
                return s.idle[key]?.remove(at: index)
            }
            expired?.connection.channel.close(promise: nil)
        }
    }
}
