// swhost: HTTP transport.

#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import NIOCore
import NIOPosix

/// Accepts HTTP/1.x connections on a set of listeners and hands requests to one responder.
///
/// ```swift
/// let server = HTTPServer(group: MultiThreadedEventLoopGroup(numberOfThreads: 1), responder: app)
/// let bound = try await server.start([ListenerConfiguration(address: .tcp(host: "127.0.0.1", port: 8080))])
/// ...
/// try await server.quiesce().get()   // graceful stop: every connection gone
/// ```
public final class HTTPServer: Sendable {
    public let group: any EventLoopGroup
    public let responder: any HTTPResponder
    /// `stub_status` counters of this server.
    public let counters: ConnectionCounters

    private struct Registry {
        var listeners: [any Channel] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
        var quiescing = false
        var drained: [EventLoopPromise<Void>] = []
    }

    private let registry = Mutex(Registry())
    /// Most connections open at once (`worker_connections`); more are closed as they arrive.
    private let connectionLimit: Atomic<Int>
    /// Told the limit when a connection is refused for it, at most once a second.
    private let onConnectionLimit: (@Sendable (Int) -> Void)?
    private let lastLimitReport = Atomic<Int>(0)

    public init(group: any EventLoopGroup, responder: any HTTPResponder, counters: ConnectionCounters = ConnectionCounters(),
                connectionLimit: Int = .max, onConnectionLimit: (@Sendable (Int) -> Void)? = nil) {
        self.group = group
        self.responder = responder
        self.counters = counters
        self.connectionLimit = Atomic(max(1, connectionLimit))
        self.onConnectionLimit = onConnectionLimit
    }

    /// Changes the connection limit for connections accepted from now on (a reload).
    public func setConnectionLimit(_ limit: Int) {
        connectionLimit.store(max(1, limit), ordering: .relaxed)
    }

    /// A listener that is accepting.
    public struct BoundListener: Sendable {
        public let tag: Int
        /// The bound address (with the real port when 0 was asked for).
        public let localAddress: SocketAddress?
    }

    /// Binds or adopts every listener and starts accepting.
    public func start(_ listeners: [ListenerConfiguration]) async throws -> [BoundListener] {
        var bound: [BoundListener] = []
        for listener in listeners {
            let channel: any Channel
            do {
                channel = try await makeBootstrap(listener).bindOrAdopt(listener.address).get()
            } catch {
                throw ListenerBindError(address: listener.address, underlying: error)
            }
            registry.withLock { $0.listeners.append(channel) }
            bound.append(BoundListener(tag: listener.tag, localAddress: channel.localAddress))
        }
        return bound
    }

    /// The number of open connections.
    public var connectionCount: Int { registry.withLock { $0.connections.count } }

    /// Graceful stop: stop accepting, close idle connections now, let busy ones finish their
    /// response (sent with `Connection: close`). The future completes when no connection is left.
    public func quiesce() -> EventLoopFuture<Void> {
        let promise = group.next().makePromise(of: Void.self)
        let (listeners, connections) = registry.withLock { r -> ([any Channel], [any Channel]) in
            r.quiescing = true
            r.drained.append(promise)
            let l = r.listeners
            r.listeners = []
            return (l, Array(r.connections.values))
        }
        for l in listeners { l.close(promise: nil) }
        for c in connections { c.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        checkDrained()
        return promise.futureResult
    }

    private func checkDrained() {
        let done = registry.withLock { r -> [EventLoopPromise<Void>] in
            guard r.quiescing, r.connections.isEmpty else { return [] }
            let d = r.drained
            r.drained = []
            return d
        }
        for p in done { p.succeed(()) }
    }

    private func makeBootstrap(_ listener: ListenerConfiguration) -> ServerBootstrap {
        let configuration = listener.connection
        let tag = listener.tag
        var bootstrap = ServerBootstrap(group: group)
        if case .tcp(let host, _) = listener.address, host.contains(":") {
            // As nginx's default `ipv6only=on`: `listen [::]:80` must not also take IPv4, or it
            // collides with `listen 80`.
            bootstrap = bootstrap.serverChannelOption(ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        return bootstrap
            .serverChannelOption(.backlog, value: listener.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // TCP level: `.socketOption(.tcp_nodelay)` would be SOL_SOCKET option 1 (SO_DEBUG),
            // which needs CAP_NET_ADMIN and so closed every connection of an unprivileged worker.
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: configuration.tcpNodelay ? 1 : 0)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.adopt(channel, configuration: configuration, tag: tag)
                }
            }
    }

    private func reportLimit(_ limit: Int) {
        guard let onConnectionLimit else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let second = Int(now.tv_sec)
        if lastLimitReport.exchange(second, ordering: .relaxed) != second { onConnectionLimit(limit) }
    }

    /// Sets up one accepted connection (exposed for tests with `EmbeddedChannel`).
    func adopt(_ channel: any Channel, configuration: ConnectionConfiguration, tag: Int) throws {
        let limit = connectionLimit.load(ordering: .relaxed)
        let accepted = registry.withLock { r -> Bool? in
            if r.quiescing { return false }
            // nginx: "N worker_connections are not enough", and the new connection is closed.
            if r.connections.count >= limit { return nil }
            r.connections[ObjectIdentifier(channel)] = channel
            return true
        }
        guard accepted == true else {
            if accepted == nil { reportLimit(limit) }
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in
            registry.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
            checkDrained()
        }
        let handler = HTTPConnectionHandler(configuration: configuration, responder: responder, listenerTag: tag, counters: counters)
        try channel.pipeline.syncOperations.addHandler(handler)
    }
}

extension ServerBootstrap {
    fileprivate func bindOrAdopt(_ address: ListenerConfiguration.Address) -> EventLoopFuture<any Channel> {
        switch address {
        case .tcp(let host, let port): bind(host: host, port: port)
        case .unix(let path): bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
        case .inherited(let fd): withBoundSocket(fd)
        }
    }
}

/// A listener that could not be bound or adopted, with its address (for nginx's
/// `bind() to ADDRESS failed (98: Address already in use)`).
public struct ListenerBindError: Error, CustomStringConvertible {
    public let address: ListenerConfiguration.Address
    public let underlying: any Error

    /// The errno of the failed system call, when there was one.
    public var errnoCode: Int32? { (underlying as? IOError)?.errnoCode }

    public var description: String {
        let where_: String = switch address {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        case .inherited(let fd): "inherited descriptor \(fd)"
        }
        return "bind() to \(where_) failed"
    }
}
