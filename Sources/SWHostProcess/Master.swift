// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostLog

/// The master process: holds the listening sockets, starts and supervises worker processes,
/// answers nginx's signals and drives reload generations.
///
/// Everything runs on the thread that calls `run()` (the process's main thread): signals are
/// blocked and taken with `sigtimedwait`, so there are no handlers and no locks, and every worker
/// is spawned from that one long-lived thread, which `PR_SET_PDEATHSIG` in the workers needs
/// (the death signal fires when the *thread* that spawned the child exits, and Dispatch's pool
/// threads come and go).
///
/// Sockets: each worker slot has its own `SO_REUSEPORT` socket per TCP address, held by the
/// master for its whole life, so a respawned or next-generation worker of slot *i* accepts from
/// the same queue; connections that arrive while slot *i* changes hands wait in the backlog.
/// The new worker of a slot starts only once the old one has closed its copies (checked in
/// `/proc/PID/fd`): two processes accepting on one socket trips an assert in NIO debug builds.
/// Unix-domain listeners are one socket shared by every worker.
public final class Master {
    struct Worker {
        var slot: Int
        var generation: Int
        var started: Double
        var quitting = false
        /// SIGKILL sent (worker_timeout); only the reap is left.
        var killed = false
        var killDeadline: Double?
        /// Inodes of the listeners it inherited, and how many (at fds 3...).
        var inodes: Set<UInt64>
        var descriptorCount: Int
        /// The master's copy of the worker's heartbeat file.
        var heartbeat: Int32?
    }

    struct PendingSpawn {
        var notBefore: Double
        /// The slot's previous worker, which must release the slot's sockets first.
        var waitFor: pid_t?
    }

    enum Mode: Equatable {
        case running
        case stoppingGracefully
        case stoppingFast(deadline: Double)
    }

    let errorLog: ErrorLog
    let executable: String
    let workerArguments: [String]
    let loadPlan: () -> Result<MasterPlan, ConfigDiagnostic>
    let reopenLogs: () -> Void
    let pidPath: String

    var plan: MasterPlan
    /// Per slot: the slot's own TCP sockets by address.
    var slotSockets: [[ListenKey: Int32]] = []
    /// Unix-domain listeners, shared by all slots.
    var unixSockets: [ListenKey: Int32] = [:]
    var slotCount: Int
    var generation = 1
    var workers: [pid_t: Worker] = [:]
    var current: [Int: pid_t] = [:]
    var pending: [Int: PendingSpawn] = [:]
    var failures: [Int: Int] = [:]
    /// Sockets to close once the listed processes are gone (listeners a reload removed).
    var retiring: [(descriptors: [Int32], until: Set<pid_t>)] = []
    var mode = Mode.running
    /// The current generation's `ConfigSnapshot` file.
    var snapshot: Int32?
    /// The `status` counters shared with every worker, for the master's whole life.
    var counters: SharedCounters?
    /// HUPs received, for `ReloadStatus`.
    var reloadAttempts = 0
    /// After WINCH: no workers until the next reload or TTIN.
    var workersStopped = false
    /// The `fastcgi_app` processes; stopped once the workers are gone (they may still use them).
    let apps: FastCGIAppSupervisor

    /// - Parameters:
    ///   - workerArguments: argv after the executable name for a worker (`--worker` plus `-p/-c/-g`).
    ///   - loadPlan: re-reads and validates the configuration (on HUP).
    ///   - reopenLogs: reopens the master's own log files (on USR1).
    public init(
        plan: MasterPlan, errorLog: ErrorLog, pidPath: String, workerArguments: [String],
        executable: String = "/proc/self/exe",
        loadPlan: @escaping () -> Result<MasterPlan, ConfigDiagnostic>,
        reopenLogs: @escaping () -> Void,
        appOptions: FastCGIAppSupervisor.Options = FastCGIAppSupervisor.Options()
    ) {
        self.plan = plan
        self.errorLog = errorLog
        self.pidPath = pidPath
        self.workerArguments = workerArguments
        self.executable = executable
        self.loadPlan = loadPlan
        self.reopenLogs = reopenLogs
        self.slotCount = plan.workerCount
        self.apps = FastCGIAppSupervisor(errorLog: errorLog, options: appOptions)
    }

    /// The signals the master takes with `sigtimedwait`.
    static let handledSignals: [Int32] = [SIGCHLD, SIGHUP, SIGQUIT, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTTIN, SIGTTOU]

    /// Blocks the master's signals in the calling thread and every thread started after it, and
    /// ignores SIGPIPE. Call first thing, before any thread exists (so none can take them).
    public static func blockSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handledSignals { sigaddset(&set, signal) }
        return set
    }

    /// Opens every listener for every slot. On failure nothing stays open and the error has
    /// nginx's wording (`bind() to 127.0.0.1:8080 failed (98: Address already in use)`).
    public func openListeners() throws(ListenSocketError) {
        var opened: [Int32] = []
        do throws(ListenSocketError) {
            for listener in plan.listeners { try ListenSocket.checkAvailable(listener.key, ipv6Only: listener.ipv6Only) }
            for listener in plan.listeners {
                if case .unix = listener.key {
                    let fd = try ListenSocket.open(listener.key, backlog: listener.backlog, reusePort: false)
                    opened.append(fd)
                    unixSockets[listener.key] = fd
                }
            }
            for _ in 0..<slotCount {
                slotSockets.append(try openSlot(plan.listeners, existing: [:], opened: &opened))
            }
            try apps.apply(plan.fastcgiApps, now: Self.now())
            snapshot = makeSnapshot(plan)
            counters = makeCounters(plan)
        } catch {
            for fd in opened { close(fd) }
            slotSockets = []
            unixSockets = [:]
            throw error
        }
    }

    /// The TCP sockets of one slot: kept from `existing` when the address is there, new otherwise.
    func openSlot(_ listeners: [MasterPlan.Listener], existing: [ListenKey: Int32], opened: inout [Int32]) throws(ListenSocketError) -> [ListenKey: Int32] {
        var sockets: [ListenKey: Int32] = [:]
        for listener in listeners {
            if case .unix = listener.key { continue }
            if let fd = existing[listener.key] {
                ListenSocket.relisten(fd, backlog: listener.backlog)
                sockets[listener.key] = fd
            } else {
                let fd = try ListenSocket.open(listener.key, backlog: listener.backlog, reusePort: true, ipv6Only: listener.ipv6Only)
                opened.append(fd)
                sockets[listener.key] = fd
            }
        }
        return sockets
    }

    /// Starts the workers and supervises them until the master is told to stop. Returns the
    /// exit status (0 after QUIT/TERM/INT). Must be called on the thread that will stay alive.
    public func run() -> Int32 {
        errorLog.log(.notice, "using \(slotCount) worker process\(slotCount == 1 ? "" : "es"), generation \(generation)")
        ReloadStatus(attempt: 0, generation: generation, succeeded: true).write(to: ReloadStatus.path(pidPath: pidPath))
        let now = Self.now()
        for slot in 0..<slotCount { pending[slot] = PendingSpawn(notBefore: now, waitFor: nil) }
        var set = Self.signalSet()
        while true {
            tick()
            if let status = finishedStatus() { return status }
            let wait = nextWakeup()
            var timeout = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - Double(Int(wait))) * 1e9))
            var info = siginfo_t()
            let number = sigtimedwait(&set, &info, &timeout)
            if number == SIGUSR2 {
                replace(worker: info._sifields._kill.si_pid)
            } else if number > 0 {
                handle(signal: number)
            }
            reap()
        }
    }

    /// Seconds until something is due: short while a spawn waits for a slot to be released.
    func nextWakeup() -> Double {
        if !pending.isEmpty { return 0.005 }
        if workers.values.contains(where: { $0.killDeadline != nil }) || !retiring.isEmpty { return 0.05 }
        if case .stoppingFast = mode { return 0.05 }
        if let due = apps.nextWakeup(now: Self.now()) { return min(1, due) }
        return 1
    }

    /// The exit status once a stop has completed; cleans up the sockets and the pid file.
    func finishedStatus() -> Int32? {
        guard mode != .running, workers.isEmpty else { return nil }
        // Apps outlive the workers: a draining worker may still be talking to them.
        apps.stopAll(now: Self.now())
        guard !apps.hasProcesses else { return nil }
        for sockets in slotSockets { for fd in sockets.values { close(fd) } }
        for (key, fd) in unixSockets {
            close(fd)
            if case .unix(let path) = key { unlink(path) }
        }
        for entry in retiring { for fd in entry.descriptors { close(fd) } }
        if let snapshot { close(snapshot) }
        unlink(ReloadStatus.path(pidPath: pidPath))
        unlink(pidPath)
        errorLog.log(.notice, "exit")
        LogFileRegistry.shared.flushAll()
        return 0
    }

    /// The plan's parsed configuration in an anonymous file; nil (workers read the files) when
    /// there is none or it cannot be written.
    func makeSnapshot(_ plan: MasterPlan) -> Int32? {
        guard !plan.configDirectives.isEmpty else { return nil }
        guard let fd = ConfigSnapshot.anonymousFile(ConfigSnapshot.encode(plan.configDirectives)) else {
            errorLog.log(.alert, "could not write the configuration snapshot (\(errno): \(String(cString: strerror(errno)))); workers read the files")
            return nil
        }
        return fd
    }

    /// The shared counters region; nil (each worker counts alone) when it cannot be made.
    func makeCounters(_ plan: MasterPlan) -> SharedCounters? {
        guard let counters = SharedCounters.create(names: plan.serverNames, workers: plan.workerCount) else {
            errorLog.log(.alert, "could not create the shared status counters (\(errno): \(String(cString: strerror(errno)))); each worker counts alone")
            return nil
        }
        return counters
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
