// swhost: config language.

/// `worker_processes auto | N`.
public enum WorkerProcesses: Sendable, Hashable {
    case auto
    case count(Int)
}

/// The main (top-level) context plus `events` and `http`.
public struct MainConfig: Sendable {
    /// `worker_processes`; default 1.
    public var workerProcesses: WorkerProcesses = .count(1)
    /// `worker_connections` (events); default 512.
    public var workerConnections = 512
    /// `worker_shutdown_timeout`; nil (default) = wait for in-flight requests indefinitely.
    public var workerShutdownTimeout: ConfigTime?
    /// `pid` (absolute); default `logs/swhost.pid` under the prefix.
    public var pidPath: String
    /// `error_log`s; default `logs/error.log error` under the prefix.
    public var errorLogs: [ErrorLogTarget]
    /// `user USER [GROUP]`; nil = do not change user.
    public var user: (name: String, group: String?)?
    /// `load_module PATH` (absolute), in order.
    public var loadModules: [String] = []
    /// `daemon`; default **off**, unlike nginx: swhost stays in the foreground (what systemd units,
    /// containers and `scripts/run` want) unless the config says `daemon on`.
    public var daemon = false
    /// `master_process`; default on.
    public var masterProcess = true
    /// `worker_timeout TIME` (swhost; main; default 60s): a worker that does not report progress
    /// for this long while handling a request is considered stuck; the master replaces it.
    public var workerTimeout: ConfigTime = .seconds(60)
    /// `worker_max_requests N` (swhost; main; default 0 = off): a worker exits gracefully after
    /// serving this many requests and the master starts a fresh one.
    public var workerMaxRequests = 0
    /// `worker_max_requests_jitter N` (swhost; main; default 0): each worker's limit is
    /// `worker_max_requests` plus a random 0..N, so workers do not all restart together.
    public var workerMaxRequestsJitter = 0
    /// The `http` block; nil when the config has none.
    public var http: HTTPConfig?

    public init(prefix: String) {
        pidPath = prefix + "logs/swhost.pid"
        errorLogs = [ErrorLogTarget(destination: .file(prefix + "logs/error.log"), level: .error)]
    }
}

/// Where relative paths resolve.
public struct ConfigContext: Sendable {
    /// Absolute, ends with `/`: `root`, logs, pid and sockets are relative to it.
    public var prefix: String
    /// The main config file's directory.
    public var configDirectory: String
    /// When true (the default) `-t`-style checks touch the filesystem (log dirs writable,
    /// `auth_basic_user_file` exists, `listen` host names resolve).
    public var checkFilesystem: Bool
    /// Loads a `load_module` library (the path, prefix-relative already resolved); returns an
    /// error message for `[emerg] MESSAGE in FILE:LINE`, nil on success. Nil: modules are not loaded.
    public var loadModule: (@Sendable (String) -> String?)?
    /// Validates `swift_handler NAME [key=value ...]` with the handler itself; returns an error
    /// message for `[emerg] MESSAGE in FILE:LINE`, nil when valid. Nil: handlers are not checked.
    public var validateSwiftHandler: (@Sendable (String, [SwiftHandlerParameter]) -> String?)?

    public init(prefix: String, configDirectory: String, checkFilesystem: Bool = true) {
        self.prefix = prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.configDirectory = configDirectory
        self.checkFilesystem = checkFilesystem
    }
}

/// The result of compiling a parsed config.
public struct CompiledConfig: Sendable {
    public var main: MainConfig
    /// Non-fatal diagnostics (`[warn] conflicting server name ...`), in order.
    public var warnings: [ConfigDiagnostic]
}
