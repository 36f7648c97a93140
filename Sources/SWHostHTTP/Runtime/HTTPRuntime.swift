// swhost: request processing.

import NIOConcurrencyHelpers
import SWHostCompression
import SWHostConfig
import SWHostHTTPCore
import SWHostLog
import SWHostStatic
import Synchronization

/// One configuration generation as the request path sees it: the virtual-host tables per
/// listener, the shared caches, and per-location runtime state built on first use.
///
/// Built once per (re)load; every request of that generation reads it without locks except the
/// lazily filled per-location table.
public final class HTTPRuntime: Sendable {
    public let config: HTTPConfig
    public let prefix: String
    /// Server tables indexed by listener tag (the index into `listenKeys`).
    public let tables: [ServerTable]
    public let listenKeys: [ListenKey]
    /// Which keys get sockets, and which share a wildcard's (nginx's one socket per port).
    let sharing: ListenerSharing

    /// The addresses that need a listening socket (a master binding sockets for workers binds
    /// these): a specific address on a port with a wildcard `listen` shares the wildcard's.
    public var boundListenKeys: [ListenKey] { sharing.boundTags.map { listenKeys[$0] } }
    public let mainErrorLog: ErrorLog
    public let openFiles: SWHostStatic.OpenFileCache
    public let sniffer: MagicSniffer
    public let gzipVariants: GzipVariantCache
    /// Round-robin cursors of the `upstream` blocks.
    let upstreams: UpstreamBalancer
    public let smallFiles: SmallFileCache
    /// The software name for `Server:` and error pages.
    public let serverName = "swhost"
    public let serverVersion: String
    /// `swhost/VERSION`, for `Server:` with `server_tokens on`.
    public let softwareWithVersion: String
    /// Tells this generation's per-location state from another runtime's on the same config.
    let generation = HTTPRuntime.nextGeneration.add(1, ordering: .relaxed).newValue
    private static let nextGeneration = Atomic<UInt64>(0)

    public init(config: HTTPConfig, prefix: String, mainErrorLog: ErrorLog, serverVersion: String) {
        self.config = config
        self.prefix = prefix
        self.mainErrorLog = mainErrorLog
        self.serverVersion = serverVersion
        self.softwareWithVersion = "swhost/" + serverVersion
        // Stable tag order: sorted by the address's text, so the same config gives the same tags.
        let keys = config.listeners.keys.sorted { $0.description < $1.description }
        self.listenKeys = keys
        self.tables = keys.map { config.listeners[$0]! }
        self.sharing = ListenerSharing(keys: keys, options: config.listenOptions)
        self.openFiles = SWHostStatic.OpenFileCache(configuration: .init(maxEntries: 4096, inactiveSeconds: 60, validSeconds: 1))
        // The magic database loads on the first sniff, not here: most workers never need it.
        self.sniffer = MagicSniffer(onLoadFailure: { message in
            mainErrorLog.log(.alert, "\(message), mime_sniff answers default_type")
        })
        self.gzipVariants = GzipVariantCache()
        self.upstreams = UpstreamBalancer(config.upstreams)
        self.smallFiles = SmallFileCache()
    }

    /// The server table for a connection accepted on listener `tag` with local address
    /// `localAddress` (a specific `listen` address served through a wildcard socket).
    func table(acceptedOn tag: Int, localAddress: String) -> ServerTable {
        let chosen = sharing.tag(accepted: tag, localAddress: localAddress)
        return tables[chosen < tables.count ? chosen : 0]
    }

    /// The per-location state, built on first use (a config may have 50,000 locations; most are
    /// never requested) and kept on the location itself: one uncontended lock, no hashing.
    func runtime(for location: LocationConfig) -> LocationRuntime {
        if let existing = location.derived.withLock({ $0 }) as? LocationRuntime, existing.generation == generation {
            return existing
        }
        let built = makeRuntime(for: location.settings)
        return location.derived.withLock { slot in
            if let existing = slot as? LocationRuntime, existing.generation == generation { return existing }
            slot = built
            return built
        }
    }

    /// The `error_log` of an http/server/location level (nginx: the nearest level that has one),
    /// or the main one.
    private func errorLog(for targets: [ErrorLogTarget]) -> ErrorLog {
        guard !targets.isEmpty else { return mainErrorLog }
        var opened: [ErrorLog.Target] = []
        for target in targets {
            do {
                opened.append(try ErrorLog.Target(target))
            } catch {
                mainErrorLog.log(.alert, error.description)
            }
        }
        return opened.isEmpty ? mainErrorLog : ErrorLog(targets: opened)
    }

    private func makeRuntime(for settings: HTTPSettings) -> LocationRuntime {
        var logs: [ResolvedAccessLog] = []
        for log in settings.accessLogs {
            let format = AccessLogFormat(
                name: log.format.name,
                escape: AccessLogFormat.Escape(rawValue: log.format.escape.rawValue) ?? .default,
                templates: [log.format.template]
            )
            if log.path.isLiteral {
                let path = log.path.literalValue
                do {
                    let file = try LogFileRegistry.shared.file(
                        path: path,
                        bufferSize: Int(log.buffer?.bytes ?? 0),
                        flushInterval: log.flush.map { .milliseconds($0.milliseconds) }
                    )
                    logs.append(.fixed(SWHostLog.AccessLog(format: format, file: file, condition: log.condition)))
                } catch {
                    mainErrorLog.log(.error, error.description)
                }
            } else {
                logs.append(.perRequest(format: format, path: log.path, prefix: prefix, condition: log.condition))
            }
        }
        return LocationRuntime(generation: generation, accessLogs: logs, errorLog: errorLog(for: settings.errorLogs))
    }
}

