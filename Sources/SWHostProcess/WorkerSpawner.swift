// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem

/// Starts a worker: `posix_spawn` of this executable (never `fork()` without exec: the Swift
/// runtime's and Dispatch's threads do not survive it), the listeners dup2'd to 3..., every
/// other descriptor above 2 closed, an empty signal mask and default dispositions.
public enum WorkerSpawner {
    /// Signals the master blocks or ignores; the child gets them back at their defaults.
    static let resetSignals: [Int32] = [SIGCHLD, SIGHUP, SIGQUIT, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTTIN, SIGTTOU, SIGPIPE]

    /// Spawns `executable` with `arguments` (argv[0] included), `descriptors` as fds 3..., and
    /// this process's environment plus `extraEnvironment`. Returns the pid or the errno.
    public static func spawn(
        executable: String, arguments: [String], descriptors: [Int32], extraEnvironment: [String]
    ) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Sources sit at >= ListenSocket.minimumDescriptor, so no dup2 clobbers a later source;
        // dup2 clears FD_CLOEXEC on the child's copy.
        for (index, fd) in descriptors.enumerated() {
            posix_spawn_file_actions_adddup2(&actions, fd, Int32(3 + index))
        }
        swhost_spawn_addclosefrom(&actions, Int32(3 + descriptors.count))

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in resetSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let replaced = Set(extraEnvironment.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        var environment: [UnsafeMutablePointer<CChar>?] = []
        var index = 0
        while let entry = environ[index] {
            index += 1
            let text = String(cString: entry)
            if let name = text.split(separator: "=", maxSplits: 1).first, replaced.contains(String(name)) { continue }
            environment.append(strdup(entry))
        }
        for entry in extraEnvironment { environment.append(strdup(entry)) }
        environment.append(nil)
        defer { for p in environment { free(p) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, &argv, &environment)
        guard rc == 0 else { return .failure(SpawnError(code: rc)) }
        return .success(pid)
    }

    /// In a freshly started worker: die with the master (`PR_SET_PDEATHSIG`), and exit at once if
    /// the master is already gone (it may have died before the prctl).
    public static func bindLifetimeToMaster(_ masterPID: pid_t, signal: Int32 = SIGTERM) {
        _ = swhost_set_pdeathsig(signal)
        if getppid() != masterPID { exit(1) }
    }
}

/// `posix_spawn` failed.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public var description: String { "posix_spawn() failed (\(code): \(String(cString: strerror(code))))" }
}
