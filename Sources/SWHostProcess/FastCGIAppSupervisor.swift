// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem
import SWHostConfig
import SWHostLog

/// Starts and supervises the `fastcgi_app` blocks (lighttpd's `bin-path`, spawn-fcgi): for each
/// app one listening unix socket created here, and `processes` copies of `command` that get it
/// as descriptor 0 (`FCGI_LISTENSOCK_FILENO`, what php-cgi, fcgiwrap and flup expect), an
/// environment of only the app's `env` entries (plus a safe `PATH`), and the error log as
/// stdout/stderr. A process that dies is restarted (throttled when it keeps dying young); a
/// reload re-creates only the apps whose definition changed; a stop sends TERM, then KILL.
///
/// Not thread-safe: one thread drives it (the master's main thread, or a serial queue in
/// single-process mode). Each process has a process group of its own, which receives the
/// signals, so children an app forks (`PHP_FCGI_CHILDREN`) go with it.
public final class FastCGIAppSupervisor {
    /// How processes are started.
    public struct Options: Sendable {
        /// `user USER [GROUP]`: the socket's owner and, when the master is root, the processes' user.
        public var user: (name: String, group: String?)?
        /// Where the processes' stdout and stderr go (appended); nil keeps this process's stderr.
        public var outputPath: String?
        /// This executable, to start processes through `FastCGIAppLauncher` (privilege drop,
        /// parent-death signal); nil execs the command directly (no user change).
        public var launcher: String?
        /// Processes die with this one (`PR_SET_PDEATHSIG`); only sound when the spawning thread
        /// lives as long as the process (the master's main thread).
        public var bindToParent: Bool
        /// Seconds between TERM and KILL on stop.
        public var grace: Double

        public init(user: (name: String, group: String?)? = nil, outputPath: String? = nil, launcher: String? = nil,
                    bindToParent: Bool = false, grace: Double = 5) {
            self.user = user
            self.outputPath = outputPath
            self.launcher = launcher
            self.bindToParent = bindToParent
            self.grace = grace
        }
    }

    struct Member {
        var pid: pid_t?
        var started = 0.0
        var failures = 0
        /// When the next start is due (nil while running).
        var startAt: Double?
    }

    struct Running {
        var app: FastCGIApp
        var socket: Int32
        var members: [Member]
    }

    struct Exiting {
        var app: String
        var deadline: Double
        var killed = false
    }

    let errorLog: ErrorLog
    let options: Options
    var running: [String: Running] = [:]
    var exiting: [pid_t: Exiting] = [:]
    /// After `stopAll()`: nothing is (re)started any more.
    public private(set) var isStopping = false

    public init(errorLog: ErrorLog, options: Options) {
        self.errorLog = errorLog
        self.options = options
    }

    /// Running process ids by app name, in member order (for status and tests).
    public var processIDs: [String: [pid_t]] {
        running.mapValues { $0.members.compactMap(\.pid) }
    }

    /// True while any process (running or told to exit) has not been reaped.
    public var hasProcesses: Bool {
        !exiting.isEmpty || running.values.contains { $0.members.contains { $0.pid != nil } }
    }

    /// Seconds until `tick()` has something to do; nil when nothing is scheduled.
    public func nextWakeup(now: Double) -> Double? {
        var due: [Double] = exiting.values.filter { !$0.killed }.map(\.deadline)
        for entry in running.values { due += entry.members.compactMap(\.startAt) }
        guard let first = due.min() else { return exiting.isEmpty ? nil : 0.05 }
        return max(0.001, first - now)
    }

    /// Makes the running apps match `apps`: unchanged ones keep their processes; added ones get
    /// a socket and processes; changed ones get new processes (and keep their socket when its
    /// path stays); removed ones are stopped and their socket file deleted. Sockets are opened
    /// before anything changes, so a failure (nginx's `bind() to unix:... failed` wording)
    /// leaves everything as it was. Returns the names of the apps it (re)started or removed.
    @discardableResult
    public func apply(_ apps: [FastCGIApp], now: Double) throws(ListenSocketError) -> (started: [String], removed: [String]) {
        var opened: [String: Int32] = [:]
        var reused: [String: Int32] = [:]
        do throws(ListenSocketError) {
            for app in apps where running[app.name]?.app != app {
                if let old = running[app.name], old.app.socket == app.socket {
                    reused[app.name] = old.socket
                } else {
                    opened[app.name] = try openSocket(app)
                }
            }
        } catch {
            for fd in opened.values { close(fd) }
            throw error
        }
        let newNames = Set(apps.map(\.name))
        let newPaths = Set(apps.map(\.socket))
        var removed: [String] = []
        for (name, entry) in running where !newNames.contains(name) || opened[name] != nil || reused[name] != nil {
            retire(entry, closeSocket: reused[name] == nil, unlinkPath: !newPaths.contains(entry.app.socket), now: now)
            running[name] = nil
            if !newNames.contains(name) { removed.append(name) }
        }
        var started: [String] = []
        for app in apps {
            guard let fd = opened[app.name] ?? reused[app.name] else { continue }
            running[app.name] = Running(app: app, socket: fd, members: Array(repeating: Member(startAt: now), count: app.processes))
            started.append(app.name)
        }
        return (started.sorted(), removed.sorted())
    }

    /// Starts due processes and kills those that outlived their grace after TERM.
    public func tick(now: Double) {
        for (pid, entry) in exiting where !entry.killed && now >= entry.deadline {
            errorLog.log(.warn, "fastcgi_app \"\(entry.app)\" process \(pid) did not exit in time, killing it")
            _ = kill(-pid, SIGKILL)
            exiting[pid]?.killed = true
        }
        guard !isStopping else { return }
        for name in Array(running.keys) {
            guard let count = running[name]?.members.count else { continue }
            for index in 0..<count {
                if let due = running[name]?.members[index].startAt, now >= due { start(name, index: index, now: now) }
            }
        }
    }

    /// A child of this process exited (its raw `waitpid` status). Returns false when `pid` is not
    /// one of the supervisor's processes. A running member is restarted: at once when it lived a
    /// second or more, else after a backoff of 100 ms doubling up to 10 s (a crash loop).
    @discardableResult
    public func childExited(_ pid: pid_t, status raw: Int32, now: Double) -> Bool {
        let status = WaitStatus(raw: raw)
        if let entry = exiting.removeValue(forKey: pid) {
            errorLog.log(.notice, "fastcgi_app \"\(entry.app)\" process \(pid) \(status)")
            return true
        }
        for (name, entry) in running {
            guard let index = entry.members.firstIndex(where: { $0.pid == pid }) else { continue }
            errorLog.log(.alert, "fastcgi_app \"\(name)\" process \(pid) \(status)")
            var member = entry.members[index]
            member.pid = nil
            if now - member.started < 1 {
                member.failures += 1
                member.startAt = now + min(0.1 * Double(1 << min(member.failures - 1, 8)), 10)
            } else {
                member.failures = 0
                member.startAt = now
            }
            running[name]?.members[index] = member
            return true
        }
        return false
    }

    /// Reaps the supervisor's own exited processes with `waitpid(pid, WNOHANG)` (single-process
    /// mode, where a `waitpid(-1)` would steal the statuses of CGI scripts).
    public func reapChildren(now: Double) {
        var pids = Array(exiting.keys)
        for entry in running.values { pids += entry.members.compactMap(\.pid) }
        for pid in pids {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { childExited(pid, status: raw, now: now) }
        }
    }

    /// Stops everything: TERM to every process (KILL after the grace), sockets closed and their
    /// files removed. Call `tick`/`reap` until `hasProcesses` is false.
    public func stopAll(now: Double) {
        guard !isStopping else { return }
        isStopping = true
        for entry in running.values { retire(entry, closeSocket: true, unlinkPath: true, now: now) }
        running = [:]
    }

    /// TERMs an entry's processes and, as asked, closes its socket and deletes the socket file.
    func retire(_ entry: Running, closeSocket: Bool, unlinkPath: Bool, now: Double) {
        for pid in entry.members.compactMap(\.pid) {
            _ = kill(-pid, SIGTERM)
            exiting[pid] = Exiting(app: entry.app.name, deadline: now + options.grace)
        }
        if closeSocket { close(entry.socket) }
        if unlinkPath { unlink(entry.app.socket) }
    }

    /// The app's listening socket: a stale socket file is replaced; owned by the worker user,
    /// so workers can connect after dropping privileges.
    func openSocket(_ app: FastCGIApp) throws(ListenSocketError) -> Int32 {
        let fd = try ListenSocket.open(.unix(app.socket), backlog: 511, reusePort: false)
        if geteuid() == 0, let user = options.user, let account = getpwnam(user.name) {
            var gid = account.pointee.pw_gid
            if let group = user.group, let entry = getgrnam(group) { gid = entry.pointee.gr_gid }
            _ = chown(app.socket, account.pointee.pw_uid, gid)
        }
        return fd
    }

    func start(_ name: String, index: Int, now: Double) {
        guard let entry = running[name] else { return }
        let app = entry.app
        var output: Int32 = -1
        if let path = options.outputPath {
            output = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        }
        defer { if output >= 0 { close(output) } }
        let streams: [Int32] = [entry.socket, output >= 0 ? output : 2, output >= 0 ? output : 2]
        let environment = app.processEnvironment
        let program: String
        switch app.resolveProgram() {
        case .success(let path): program = path
        case .failure(let error):
            let code = error.code
            // Deleted since the configuration was checked: retried with the crash-loop backoff.
            var member = entry.members[index]
            member.failures += 1
            member.started = now
            member.startAt = now + min(0.1 * Double(1 << min(member.failures - 1, 8)), 10)
            running[name]?.members[index] = member
            errorLog.log(.alert, "fastcgi_app \"\(name)\": command \"\(app.command[0])\" cannot be executed (\(code): \(String(cString: strerror(code))))")
            return
        }
        let path: String
        let arguments: [String]
        if let launcher = options.launcher {
            path = launcher
            let drop = geteuid() == 0 ? options.user : nil
            arguments = FastCGIAppLauncher.arguments(program: program, command: app.command, user: drop,
                                                     parentPID: options.bindToParent ? getpid() : nil)
        } else {
            path = program
            arguments = app.command
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let rc = swhost_spawn(&pid, path, &argv, &envp, streams, 3, nil, 1)
        var member = entry.members[index]
        member.started = now
        if rc == 0 {
            member.pid = pid
            member.startAt = nil
            errorLog.log(.notice, "start fastcgi_app \"\(name)\" process \(pid)")
        } else {
            member.failures += 1
            member.startAt = now + min(0.1 * Double(1 << min(member.failures - 1, 8)), 10)
            errorLog.log(.alert, "fastcgi_app \"\(name)\": posix_spawn() \"\(path)\" failed (\(rc): \(String(cString: strerror(rc))))")
        }
        running[name]?.members[index] = member
    }
}
