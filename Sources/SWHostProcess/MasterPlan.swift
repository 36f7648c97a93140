// swhost: process model.

import SWHostConfig

/// What the master needs from a validated configuration: the sockets to hold, how many workers
/// to run and how long a stopping worker may take.
public struct MasterPlan: Sendable {
    /// One listening address (`HTTPConfig.bindAddresses`) with its socket options.
    public struct Listener: Sendable, Equatable {
        public var key: ListenKey
        public var backlog: Int32
        public var ipv6Only: Bool

        public init(key: ListenKey, backlog: Int32 = 511, ipv6Only: Bool = true) {
            self.key = key
            self.backlog = backlog
            self.ipv6Only = ipv6Only
        }
    }

    public var listeners: [Listener]
    /// `worker_processes`, `auto` already resolved to the online CPU count.
    public var workerCount: Int
    /// `worker_shutdown_timeout`; nil waits for in-flight requests as long as they take.
    public var shutdownTimeout: Duration?
    /// `worker_timeout`: a worker whose event loop has not run for this long is killed; nil = never.
    public var workerTimeout: Duration?
    /// The parsed configuration (includes expanded, `-g` first) the workers of this generation
    /// compile (`ConfigSnapshot`); empty makes workers read the files themselves.
    public var configDirectives: [ConfigDirective]
    /// The servers' primary names in configuration order: their slots in `SharedCounters`.
    public var serverNames: [String] = []
    /// The `fastcgi_app` blocks the master starts and supervises (`FastCGIAppSupervisor`).
    public var fastcgiApps: [FastCGIApp] = []

    public init(listeners: [Listener], workerCount: Int, shutdownTimeout: Duration?, configDirectives: [ConfigDirective] = []) {
        self.listeners = listeners
        self.workerCount = max(1, workerCount)
        self.shutdownTimeout = shutdownTimeout
        self.configDirectives = configDirectives
    }

    /// The plan of a compiled configuration. `onlineCPUs` resolves `worker_processes auto`.
    public init(main: MainConfig, onlineCPUs: Int, configDirectives: [ConfigDirective] = []) {
        var listeners: [Listener] = []
        if let http = main.http {
            for key in http.bindAddresses {
                let options = http.listenOptions[key]
                listeners.append(Listener(key: key, backlog: Int32(options?.backlog ?? 511), ipv6Only: options?.ipv6only ?? true))
            }
        }
        let count: Int = switch main.workerProcesses {
        case .auto: onlineCPUs
        case .count(let n): n
        }
        let timeout = main.workerShutdownTimeout.map { Duration.milliseconds($0.milliseconds) }
        self.init(listeners: listeners, workerCount: count, shutdownTimeout: timeout, configDirectives: configDirectives)
        self.workerTimeout = main.workerTimeout.milliseconds > 0 ? .milliseconds(main.workerTimeout.milliseconds) : nil
        self.serverNames = main.http?.servers.map(\.primaryName) ?? []
        self.fastcgiApps = main.http?.fastcgiApps ?? []
    }
}
