// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem
import Synchronization

/// A child started with `posix_spawn` in a process group of its own, with its standard streams
/// on pipes. The child gets an empty signal mask and default dispositions (the server blocks
/// HUP/QUIT/TERM/INT/USR1 in every thread and the mask is inherited across exec), descriptors 3
/// and up closed, and the working directory it asked for.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    /// Parent ends: write to the child's stdin, read its stdout and stderr. Owned by the caller
    /// after `spawn` (they are handed to NIO, which closes them).
    let stdinWrite: CInt
    let stdoutRead: CInt
    let stderrRead: CInt
    private let reaped = Mutex(false)

    private init(pid: pid_t, stdinWrite: CInt, stdoutRead: CInt, stderrRead: CInt) {
        self.pid = pid
        self.stdinWrite = stdinWrite
        self.stdoutRead = stdoutRead
        self.stderrRead = stderrRead
    }

    /// Spawns `path` with `arguments` (argv[0] included) and exactly `environment` ("NAME=VALUE").
    /// Blocking (fork/exec cost): call it off the event loop.
    ///
    /// ETXTBSY (the script is open for writing somewhere, usually for an instant: a deploy
    /// replacing it, or a process forked meanwhile that holds the writer's descriptor until its
    /// own exec) is retried after 5, 10, 20, 40 and 80 ms, sleeping as a task, rather than
    /// answered 502.
    static func spawn(path: String, arguments: [String], environment: [String], directory: String) async throws(GatewayError) -> SpawnedProcess {
        var delay: UInt64 = 5
        while true {
            let (process, code) = try attempt(path: path, arguments: arguments, environment: environment, directory: directory)
            if let process { return process }
            guard code == ETXTBSY, delay <= 80 else {
                throw .badGateway("posix_spawn() \"\(path)\" failed (\(code): \(String(cString: strerror(code))))")
            }
            try? await Task.sleep(nanoseconds: delay * 1_000_000)
            delay *= 2
        }
    }

    /// One spawn: the process, or nil and posix_spawn's error code. Throws when pipes fail.
    private static func attempt(path: String, arguments: [String], environment: [String], directory: String) throws(GatewayError) -> (SpawnedProcess?, CInt) {
        var stdinPipe: [CInt] = [-1, -1]
        var stdoutPipe: [CInt] = [-1, -1]
        var stderrPipe: [CInt] = [-1, -1]
        // FD_CLOEXEC on every end (pipe2 is hidden behind _GNU_SOURCE); the window between pipe()
        // and fcntl() is covered for our own children by closefrom(3) in the file actions.
        guard makePipe(&stdinPipe) else { throw .badGateway("pipe() failed (\(errno))") }
        guard makePipe(&stdoutPipe) else {
            closeAll(stdinPipe)
            throw .badGateway("pipe() failed (\(errno))")
        }
        guard makePipe(&stderrPipe) else {
            closeAll(stdinPipe + stdoutPipe)
            throw .badGateway("pipe() failed (\(errno))")
        }
        let streams = [stdinPipe[0], stdoutPipe[1], stderrPipe[1]]
        var pid: pid_t = 0
        let rc = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                swhost_spawn(&pid, path, argv, envp, streams, 3, directory, 1)
            }
        }
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard rc == 0 else {
            closeAll([stdinPipe[1], stdoutPipe[0], stderrPipe[0]])
            return (nil, rc)
        }
        return (SpawnedProcess(pid: pid, stdinWrite: stdinPipe[1], stdoutRead: stdoutPipe[0], stderrRead: stderrPipe[0]), 0)
    }

    /// SIGKILL to the whole process group (the script and anything it started), unless reaped.
    func kill() {
        reaped.withLock { done in
            if !done { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }

    /// Waits for the child to exit without blocking a thread (polls with `WNOHANG`); kills the
    /// group when it outlives `grace` seconds. Returns the wait status (or nil when it was already
    /// reaped elsewhere).
    func reap(grace: Int64) async -> CInt? {
        var waitedNanos: Int64 = 0
        var step: Int64 = 1_000_000
        var killed = false
        while true {
            var status: CInt = 0
            let (rc, error) = reaped.withLock { done -> (pid_t, CInt) in
                if done { return (-1, ECHILD) }
                let r = waitpid(pid, &status, WNOHANG)
                let e = errno
                if r == pid || (r < 0 && e == ECHILD) { done = true }
                return (r, e)
            }
            if rc == pid { return status }
            if rc < 0 && error != EINTR { return nil }
            if !killed, waitedNanos > grace * 1_000_000_000 {
                killed = true
                kill()
            }
            try? await Task.sleep(nanoseconds: UInt64(step))
            waitedNanos += step
            step = min(step * 2, 200_000_000)
        }
    }

    private static func makePipe(_ fds: inout [CInt]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        _ = swhost_set_cloexec(fds[0], 1)
        _ = swhost_set_cloexec(fds[1], 1)
        return true
    }

    private static func closeAll(_ fds: [CInt]) {
        for fd in fds where fd >= 0 { close(fd) }
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
