// swhost: the public Swift handler API.

import Synchronization

/// What the host tells handlers about the server: whether this process is draining, the
/// connection counters (nginx `stub_status`) and per-virtual-server counters. swhost's sources
/// sum every worker process (see docs/swift-handlers.md, "Status counters").
public final class ServerStatus: Sendable {
    /// nginx `stub_status` counters (swhost's source: the whole server, every worker).
    public struct Connections: Sendable, Hashable {
        /// Open client connections (`reading + writing + waiting`).
        public var active: Int
        /// Accepted connections since start.
        public var accepts: Int
        /// Handled connections (equal to `accepts` unless a limit refused some).
        public var handled: Int
        /// Requests since start.
        public var requests: Int
        /// Connections reading a request head.
        public var reading: Int
        /// Connections processing or writing a response.
        public var writing: Int
        /// Idle keep-alive connections.
        public var waiting: Int

        /// A snapshot with the given counts.
        public init(active: Int = 0, accepts: Int = 0, handled: Int = 0, requests: Int = 0, reading: Int = 0, writing: Int = 0, waiting: Int = 0) {
            self.active = active
            self.accepts = accepts
            self.handled = handled
            self.requests = requests
            self.reading = reading
            self.writing = writing
            self.waiting = waiting
        }
    }

    /// Counters of one virtual server (by its primary `server_name`), summed over every worker
    /// process and kept across reloads.
    public struct VirtualHost: Sendable, Hashable {
        /// The server's first `server_name` (`""` for an unnamed server).
        public var name: String
        /// Responses completed (counted when the access log line is written).
        public var requests: Int
        /// Responses by status class: `[1xx, 2xx, 3xx, 4xx, 5xx]`.
        public var statusClasses: [Int]
        /// Bytes sent: status lines, header fields and bodies.
        public var bytesOut: Int

        /// A snapshot with the given counts.
        public init(name: String, requests: Int = 0, statusClasses: [Int] = [0, 0, 0, 0, 0], bytesOut: Int = 0) {
            self.name = name
            self.requests = requests
            self.statusClasses = statusClasses
            self.bytesOut = bytesOut
        }
    }

    /// The process-wide status swhost updates.
    public static let shared = ServerStatus()

    private let draining = Atomic<Bool>(false)
    private let source = Mutex<(@Sendable () -> Connections)?>(nil)
    private let started = Atomic<Int64>(0)
    private let vhostSource = Mutex<(@Sendable () -> [VirtualHost])?>(nil)

    /// A status with no counter source (tests; swhost uses ``shared``).
    public init() {}

    /// True once the server stopped accepting (graceful shutdown): readiness checks should fail.
    public var isDraining: Bool {
        get { draining.load(ordering: .relaxed) }
        set { draining.store(newValue, ordering: .relaxed) }
    }

    /// Start time, seconds since the epoch (0 when the host did not set it).
    public var startTime: Int64 {
        get { started.load(ordering: .relaxed) }
        set { started.store(newValue, ordering: .relaxed) }
    }

    /// Sets where ``connections`` reads the counters from (the host does this once).
    public func setConnectionSource(_ source: @escaping @Sendable () -> Connections) {
        self.source.withLock { $0 = source }
    }

    /// The current counters, nil when the host gave no source.
    public var connections: Connections? {
        source.withLock { $0 }?()
    }

    /// Sets where ``virtualHosts`` reads the per-server counters from (the host does this once).
    public func setVirtualHostSource(_ source: @escaping @Sendable () -> [VirtualHost]) {
        vhostSource.withLock { $0 = source }
    }

    /// The per-server counters in configuration order, empty when the host gave no source.
    public var virtualHosts: [VirtualHost] {
        vhostSource.withLock { $0 }?() ?? []
    }
}
