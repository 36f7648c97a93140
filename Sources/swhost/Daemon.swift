// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem

/// `daemon on`: run in the background, as nginx does, but without `fork()` (the Swift runtime's
/// threads do not survive a fork without exec). The foreground process re-executes itself in a
/// new session with `posix_spawn`, waits until the background copy has bound its listeners and
/// written the pid file (the readiness signal scripts rely on), and exits with its verdict.
enum Daemon {
    /// Set in the background copy's environment so it serves instead of spawning again.
    static let childMarker = "SWHOST_DAEMON_CHILD"

    static var isDaemonChild: Bool { getenv(childMarker) != nil }

    /// Starts the background copy and waits for it. Returns the exit status for the foreground
    /// process: 0 once the pid file names the child, the child's own status if it exits first.
    static func spawnAndWait(pidPath: String, console: Console) -> Int32 {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        // stdin and stdout go to /dev/null; stderr stays, so start-up errors still reach the
        // terminal (the child detaches it once it is ready).
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
        swhost_spawn_addclosefrom(&fileActions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK) | SWHOST_POSIX_SPAWN_SETSID)

        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var environment: [UnsafeMutablePointer<CChar>?] = []
        var index = 0
        while let entry = environ[index] {
            environment.append(strdup(entry))
            index += 1
        }
        environment.append(strdup("\(childMarker)=1"))
        environment.append(nil)
        defer { for p in environment { free(p) } }

        var child: pid_t = 0
        let rc = posix_spawn(&child, "/proc/self/exe", &fileActions, &attributes, &argv, &environment)
        guard rc == 0 else {
            console.say("[emerg] posix_spawn() failed (\(rc): \(String(cString: strerror(rc))))")
            return 1
        }
        // Wait for readiness: the pid file holding the child's pid, or the child's exit.
        for _ in 0..<3000 {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                return swhost_wifexited(status) != 0 ? Int32(swhost_wexitstatus(status)) : 1
            }
            if case .success(let pid) = SignalCommand.readPid(at: pidPath), pid == child {
                return 0
            }
            usleep(10_000)
        }
        console.say("[emerg] the background process did not become ready within 30 seconds")
        return 1
    }

    /// In the background copy, once serving: let go of the terminal's stderr.
    static func detachStandardError() {
        let fd = open("/dev/null", O_WRONLY)
        if fd >= 0 {
            dup2(fd, 2)
            close(fd)
        }
    }
}
