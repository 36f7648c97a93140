// swhost: request processing.

import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SWHostConfig
import SWHostHTTPCore
import SWHostLog

/// Serves a compiled `http {}` block: one listener per `listen` address, each carrying the
/// connection limits of that address's default server (as nginx takes header-phase settings from
/// the default server), all answered by one `RequestProcessor`.
public final class VirtualHostServer: Sendable {
    public let group: MultiThreadedEventLoopGroup
    public let threadPool: NIOThreadPool
    private let server: HTTPServer
    private let responder: SwappableResponder

    /// The configuration generation new requests are answered with.
    public var runtime: HTTPRuntime { responder.processor.runtime }

    /// - Parameters:
    ///   - threads: event-loop threads in this process.
    ///   - maxConnections: client connections open at once in this process (`worker_connections`,
    ///     times the event loops of a single-process server); more are closed with an `[alert]`.
    public init(runtime: HTTPRuntime, threads: Int, maxConnections: Int = .max) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        self.responder = SwappableResponder(RequestProcessor(runtime: runtime, threadPool: threadPool))
        let responder = self.responder
        self.server = HTTPServer(group: group, responder: responder, connectionLimit: maxConnections) { limit in
            responder.processor.runtime.mainErrorLog.log(.alert, "\(limit) worker_connections are not enough")
        }
    }

    /// Changes the connection limit (single-process reload).
    public func setMaxConnections(_ limit: Int) {
        server.setConnectionLimit(limit)
    }

    /// Answers new requests with `runtime` (same listeners; connections stay open).
    public func replaceRuntime(_ runtime: HTTPRuntime) {
        responder.replace(with: RequestProcessor(runtime: runtime, threadPool: threadPool))
    }

    /// The connection counters (nginx `stub_status`).
    public var counters: ConnectionCounters { server.counters }

    /// The listener configurations for the runtime's addresses; `inherited` maps an address to an
    /// already-listening descriptor (worker mode).
    public func listenerConfigurations(inherited: [ListenKey: CInt] = [:]) -> [ListenerConfiguration] {
        var result: [ListenerConfiguration] = []
        // Specific addresses on a port that also has a wildcard listen share its socket.
        for tag in runtime.sharing.boundTags {
            let key = runtime.listenKeys[tag]
            let table = runtime.tables[tag]
            let settings = table.defaultServer.settings
            let options = runtime.config.listenOptions[key]
            let address: ListenerConfiguration.Address
            if let fd = inherited[key] {
                address = .inherited(descriptor: fd)
            } else {
                switch key {
                case .ipv4(let host, let port): address = .tcp(host: host == "*" ? "0.0.0.0" : host, port: port)
                case .ipv6(let host, let port): address = .tcp(host: host, port: port)
                case .unix(let path): address = .unix(path: path)
                }
            }
            result.append(ListenerConfiguration(
                address: address,
                tag: tag,
                backlog: Int32(options?.backlog ?? 511),
                connection: Self.connectionConfiguration(settings, version: runtime.serverVersion)
            ))
        }
        return result
    }

    static func connectionConfiguration(_ settings: HTTPSettings, version: String) -> ConnectionConfiguration {
        ConnectionConfiguration(
            headerLimits: HeaderLimits(
                headerBufferSize: settings.clientHeaderBufferSize.bytes,
                largeBufferSize: settings.largeClientHeaderBuffers.size.bytes,
                largeBufferCount: settings.largeClientHeaderBuffers.count
            ),
            clientHeaderTimeout: .milliseconds(settings.clientHeaderTimeout.milliseconds),
            clientBodyTimeout: .milliseconds(settings.clientBodyTimeout.milliseconds),
            sendTimeout: .milliseconds(settings.sendTimeout.milliseconds),
            keepaliveTimeout: .milliseconds(settings.keepaliveTimeout.milliseconds),
            keepaliveRequests: settings.keepaliveRequests,
            mergeSlashes: settings.mergeSlashes,
            tcpNopush: settings.tcpNopush,
            tcpNodelay: settings.tcpNodelay,
            serverTokens: settings.serverTokens,
            serverName: "swhost",
            serverVersion: version,
            lingeringClose: settings.lingeringClose != .off,
            lingeringTime: .milliseconds(settings.lingeringTime.milliseconds),
            lingeringTimeout: .milliseconds(settings.lingeringTimeout.milliseconds),
            lingeringAlways: settings.lingeringClose == .always,
            keepaliveTime: .milliseconds(settings.keepaliveTime.milliseconds)
        )
    }

    /// Binds (or adopts) every listener. Throws with the address in the message when one fails.
    public func start(inherited: [ListenKey: CInt] = [:]) async throws -> [HTTPServer.BoundListener] {
        let bound = try await server.start(listenerConfigurations(inherited: inherited))
        // Buffered access logs are flushed on a timer as well as when their buffer fills.
        group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            LogFileRegistry.shared.flushDue()
        }
        return bound
    }

    /// Stops accepting, lets in-flight requests finish and closes idle connections.
    public func quiesce() -> EventLoopFuture<Void> {
        server.quiesce()
    }

    public func shutdown() async {
        try? await threadPool.shutdownGracefully()
        try? await group.shutdownGracefully()
        LogFileRegistry.shared.flushAll()
    }
}
