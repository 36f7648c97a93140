// swhost: SWHostTesting.

import CSWHostSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, with every signal unblocked and at its default
/// disposition.
///
/// Foundation's `Process` is not used on purpose: it spawns from a Dispatch thread whose signal
/// mask blocks most signals, the child inherits that mask, and then SIGTERM/SIGHUP/SIGUSR1 sent
/// by a test never arrive (observed: `python3 -m http.server` ignoring SIGTERM).
public final class ChildProcess {
    /// The child's process id.
    public let pid: pid_t
    private var exitStatus: Int32?

    /// Spawns `executable` with `arguments` (not including argv[0]), stdin from /dev/null and
    /// stdout/stderr appended to the given files (or /dev/null).
    public init(
        executable: String, arguments: [String], currentDirectory: String? = nil,
        environment: [String: String]? = nil, stdoutPath: String? = nil, stderrPath: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        swhost_spawn_addclosefrom(&actions, 3)
        if let currentDirectory { swhost_spawn_addchdir(&actions, currentDirectory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = [executable] + arguments
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var child: pid_t = 0
        // posix_spawnp searches PATH when `executable` has no slash.
        let rc = posix_spawnp(&child, executable, &actions, &attributes, &cArgv, &cEnv)
        guard rc == 0 else { throw SocketError.system("posix_spawn \(executable)", rc) }
        pid = child
    }

    /// True until the child has exited (reaps it when it has).
    public var isRunning: Bool {
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc == pid {
            exitStatus = Self.decode(status)
            return false
        }
        return rc == 0
    }

    /// Blocks until the child exits; returns its exit status, or 128+N when signal N ended it.
    @discardableResult
    public func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR {
                exitStatus = -1
                return -1
            }
        }
        let decoded = Self.decode(status)
        exitStatus = decoded
        return decoded
    }

    /// Waits up to `timeout`; returns the status when the child exited in time.
    public func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return nil }
            usleep(2_000)
        }
        return exitStatus
    }

    /// Sends `signal` while the child runs.
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGTERM, then SIGKILL after `timeout`; returns the exit status.
    @discardableResult
    public func terminate(timeout: Duration) -> Int32 {
        signal(SIGTERM)
        if let status = wait(timeout: timeout) { return status }
        signal(SIGKILL)
        return wait()
    }

    private static func decode(_ status: Int32) -> Int32 {
        if swhost_wifexited(status) != 0 { return swhost_wexitstatus(status) }
        if swhost_wifsignaled(status) != 0 { return 128 + swhost_wtermsig(status) }
        return -1
    }

    deinit {
        if exitStatus == nil, isRunning {
            kill(pid, SIGKILL)
            wait()
        }
    }
}
