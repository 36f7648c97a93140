// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem

/// The first step of a `fastcgi_app` process: `posix_spawn` cannot change the user or set a
/// parent-death signal, so the supervisor spawns this executable in a hidden mode that does both
/// and then `execve`s the app's command (descriptors, signal mask and environment pass through).
///
/// argv: `swhost --fastcgi-app-exec USER|- GROUP|- MASTER_PID|0 PROGRAM ARGV0 ARGS...`.
public enum FastCGIAppLauncher {
    /// The marker argument (argv[1]).
    public static let marker = "--fastcgi-app-exec"

    /// The launcher's argv for `command` (argv[0] = `command[0]`, as a shell would give it).
    static func arguments(program: String, command: [String], user: (name: String, group: String?)?, parentPID: pid_t?) -> [String] {
        [
            "swhost", marker, user?.name ?? "-", user?.group ?? "-", parentPID.map { String($0) } ?? "0", program,
        ] + command
    }

    /// When `arguments` (the process's argv) asks for the launcher: drops privileges, binds the
    /// process's lifetime to the master and execs the program; never returns then (exit 127 on
    /// failure, with the reason on stderr, which is the error log). Returns when it was not asked.
    public static func runIfRequested(_ arguments: [String]) {
        guard arguments.count >= 7, arguments[1] == marker else { return }
        let user = arguments[2] == "-" ? nil : arguments[2]
        let group = arguments[3] == "-" ? nil : arguments[3]
        let parent = pid_t(arguments[4]) ?? 0
        let program = arguments[5]
        let argv = Array(arguments[6...])
        if let user, let problem = PrivilegeDrop.drop(user: user, group: group) {
            fail("fastcgi_app \(program): \(problem)")
        }
        // After the privilege drop: a change of effective uid clears the parent-death signal.
        if parent > 0 {
            _ = swhost_set_pdeathsig(SIGTERM)
            if getppid() != parent { exit(0) }
        }
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        execv(program, &cArguments)
        fail("execv() \"\(program)\" failed (\(errno): \(String(cString: strerror(errno))))")
    }

    private static func fail(_ message: String) -> Never {
        let line = "swhost: \(message)\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
        exit(127)
    }
}
