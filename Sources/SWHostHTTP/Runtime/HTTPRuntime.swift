// swhost: request processing.

import NIOConcurrencyHelpers
import SWHostCompression
import SWHostConfig
import SWHostHTTPCore
import SWHostLog
import SWHostStatic

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
    /// Per tag: the listener is a wildcard that also serves servers of specific addresses.
    let picksTableByLocalAddress: [Bool]
    public let mainErrorLog: ErrorLog
    public let openFiles: SWHostStatic.OpenFileCache
    public let sniffer: MagicSniffer?
    public let gzipVariants: GzipVariantCache
    public let smallFiles: SmallFileCache
    /// The software name for `Server:` and error pages.
    public let serverName = "swhost"
    public let serverVersion: String
    /// `swhost/VERSION`, for `Server:` with `server_tokens on`.
    public let softwareWithVersion: String
    private let locationRuntimes = NIOLockedValueBox([ObjectIdentifier: LocationRuntime]())

    public init(config: HTTPConfig, prefix: String, mainErrorLog: ErrorLog, serverVersion: String) {
        self.config = config
        self.prefix = prefix
        self.mainErrorLog = mainErrorLog
        self.serverVersion = serverVersion
        self.softwareWithVersion = "swhost/" + serverVersion
        // Bind what nginx binds (a wildcard covers specific addresses on its port); stable tag
        // order, sorted by the address's text, so the same config gives the same tags.
        let keys = config.bindAddresses.sorted { $0.description < $1.description }
        self.listenKeys = keys
        self.tables = keys.map { config.listeners[$0]! }
        let specific = Set(config.listeners.keys).subtracting(keys)
        // Wildcard listeners that stand in for specific addresses pick the table by the
        // connection's local address; the others need no per-request lookup.
        self.picksTableByLocalAddress = keys.map { key in
            specific.contains { $0.port == key.port && $0.isIPv6 == key.isIPv6 }
        }
        self.openFiles = SWHostStatic.OpenFileCache(configuration: .init(maxEntries: 4096, inactiveSeconds: 60, validSeconds: 1))
        self.sniffer = try? MagicSniffer()
        self.gzipVariants = GzipVariantCache()
        self.smallFiles = SmallFileCache()
    }

    /// The per-location state, built on first use (a config may have 50,000 locations; most are
    /// never requested).
    func runtime(for location: LocationConfig) -> LocationRuntime {
        let id = ObjectIdentifier(location)
        if let existing = locationRuntimes.withLockedValue({ $0[id] }) { return existing }
        let built = makeRuntime(for: location.settings)
        return locationRuntimes.withLockedValue { table in
            if let existing = table[id] { return existing }
            table[id] = built
            return built
        }
    }

    /// The `error_log` of an http/server/location level (nginx: the nearest level that has one),
    /// or the main one.
    private func errorLog(for targets: [ErrorLogTarget]) -> ErrorLog {
        guard !targets.isEmpty else { return mainErrorLog }
        var opened: [ErrorLog.Target] = []
        for target in targets {
            switch target.destination {
            case .stderr:
                opened.append(ErrorLog.Target(file: LogFile.standardError, level: target.level))
            case .file(let path):
                do {
                    let file = try LogFileRegistry.shared.file(path: path, bufferSize: 0, flushInterval: nil)
                    opened.append(ErrorLog.Target(file: file, level: target.level))
                } catch {
                    mainErrorLog.log(.alert, error.description)
                }
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
        return LocationRuntime(accessLogs: logs, errorLog: errorLog(for: settings.errorLogs))
    }
}

extension ListenKey {
    var isIPv6: Bool {
        if case .ipv6 = self { return true }
        return false
    }
}

extension HTTPRuntime {
    /// The virtual-host table for a connection accepted on listener `tag` at local `address`.
    func table(tag: Int, localAddress: String, localPort: Int) -> ServerTable {
        let index = tag < tables.count ? tag : 0
        guard picksTableByLocalAddress[index] else { return tables[index] }
        let local: ListenKey = localAddress.contains(":") ? .ipv6(localAddress, port: localPort) : .ipv4(localAddress, port: localPort)
        return config.serverTable(local: local) ?? tables[index]
    }
}
