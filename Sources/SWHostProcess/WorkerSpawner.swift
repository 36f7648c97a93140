// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem

/// Starts a worker: `posix_spawn` of this executable (never `fork()` without exec: the Swift
/// runtime's and Dispatch's threads do not survive it), the listeners dup2'd to 3..., every
/// other descriptor above 2 closed, an empty signal mask and default dispositions.
public enum WorkerSpawner {
    /// Spawns `executable` with `arguments` (argv[0] included), `descriptors` as fds 3..., and
    /// this process's environment plus `extraEnvironment`. Returns the pid or the errno.
    public static func spawn(
        executable: String, arguments: [String], descriptors: [Int32], extraEnvironment: [String]
    ) -> Result<pid_t, SpawnError> {
        // Sources sit at >= ListenSocket.minimumDescriptor, so no dup2 clobbers a later source.
        let mapping: [Int32] = [-1, -1, -1] + descriptors

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
        let rc = swhost_spawn(&pid, executable, &argv, &environment, mapping, Int32(mapping.count), nil, 0)
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
