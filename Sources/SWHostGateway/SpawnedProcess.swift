// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import CSWHostSystem

/// A child started with `posix_spawn` in a process group of its own, with its standard streams
/// on pipes. The child gets an empty signal mask and default dispositions (the server blocks
/// HUP/QUIT/TERM/INT/USR1 in every thread and the mask is inherited across exec), descriptors 3
/// and up closed, and the working directory it asked for.
///
/// The parent's descriptors (all close-on-exec, the pipe ends non-blocking) belong to the
/// caller after `spawn`, which closes them and reaps the child (`CGIExchange`).
struct SpawnedProcess: Sendable {
    let pid: pid_t
    /// A pidfd, readable once the child exits (the reactor's exit notification), or -1 when the
    /// kernel has none: the child is then polled with `waitpid`.
    let pidFD: CInt
    /// Write to the child's stdin; -1 when it has no input (its stdin is `/dev/null`).
    let stdinWrite: CInt
    let stdoutRead: CInt
    let stderrRead: CInt

    /// Spawns `path` with `arguments` (argv[0] included) and exactly `environment`; `input`:
    /// the child's stdin is a pipe (else `/dev/null`, one descriptor shared by every spawn).
    /// Blocking (the exec): call it off the event loop.
    ///
    /// ETXTBSY (the script is open for writing somewhere, usually for an instant: a deploy
    /// replacing it, or a process forked meanwhile that holds the writer's descriptor until its
    /// own exec) is retried after 5, 10, 20, 40 and 80 ms, sleeping as a task, rather than
    /// answered 502.
    static func spawn(path: String, arguments: [String], environment: [(name: String, value: String)], directory: String,
                      input: Bool) async throws(GatewayError) -> SpawnedProcess {
        // Built once for every attempt: one block of "NAME=VALUE\0" strings, not one per variable.
        let argv = CStringBlock(arguments.map { ($0, nil) })
        let envp = CStringBlock(environment.map { ($0.name, $0.value) })
        defer {
            argv.deallocate()
            envp.deallocate()
        }
        var delay: UInt64 = 5
        while true {
            let (process, code) = try attempt(path: path, argv: argv, envp: envp, directory: directory, input: input)
            if let process { return process }
            guard code == ETXTBSY, delay <= 80 else {
                throw .badGateway("posix_spawn() \"\(path)\" failed (\(code): \(String(cString: strerror(code))))")
            }
            try? await Task.sleep(nanoseconds: delay * 1_000_000)
            delay *= 2
        }
    }

    /// One spawn: the process, or nil and posix_spawn's error code. Throws when pipes fail.
    private static func attempt(path: String, argv: CStringBlock, envp: CStringBlock, directory: String,
                                input: Bool) throws(GatewayError) -> (SpawnedProcess?, CInt) {
        var stdinPipe: (CInt, CInt) = (-1, -1)
        var stdoutPipe: (CInt, CInt) = (-1, -1)
        var stderrPipe: (CInt, CInt) = (-1, -1)
        // FD_CLOEXEC on every end (pipe2 is hidden behind _GNU_SOURCE); the window between pipe()
        // and fcntl() is covered for our own children by closefrom(3) in the file actions.
        let devNull = input ? -1 : Self.devNull
        guard devNull >= 3 || makePipe(&stdinPipe),
              makePipe(&stdoutPipe),
              makePipe(&stderrPipe) else {
            let error = errno
            closeAll(stdinPipe, stdoutPipe, stderrPipe)
            throw .badGateway("pipe() failed (\(error): \(String(cString: strerror(error))))")
        }
        let streams: (CInt, CInt, CInt) = (devNull >= 3 ? devNull : stdinPipe.0, stdoutPipe.1, stderrPipe.1)
        var pid: pid_t = 0
        let rc = withUnsafePointer(to: streams) { tuple in
            tuple.withMemoryRebound(to: CInt.self, capacity: 3) { fds in
                swhost_spawn(&pid, path, argv.pointers, envp.pointers, fds, 3, directory, 1)
            }
        }
        // The child's ends: it has its copies now.
        if stdinPipe.0 >= 0 { close(stdinPipe.0) }
        close(stdoutPipe.1)
        close(stderrPipe.1)
        guard rc == 0 else {
            closeAll((-1, stdinPipe.1), (stdoutPipe.0, -1), (stderrPipe.0, -1))
            return (nil, rc)
        }
        // Our ends never block: the reactor reads and writes them until EAGAIN.
        // A script that exits without reading its input makes writes fail with EPIPE (the server
        // ignores SIGPIPE).
        if stdinPipe.1 >= 0 { _ = swhost_set_nonblocking(stdinPipe.1, 1) }
        _ = swhost_set_nonblocking(stdoutPipe.0, 1)
        _ = swhost_set_nonblocking(stderrPipe.0, 1)
        // Close-on-exec is set by pidfd_open itself.
        let pidFD = pidfd_open(pid, 0)
        let process = SpawnedProcess(pid: pid, pidFD: pidFD, stdinWrite: stdinPipe.1 >= 0 ? stdinPipe.1 : -1,
                                     stdoutRead: stdoutPipe.0, stderrRead: stderrPipe.0)
        return (process, 0)
    }

    /// `/dev/null` for the stdin of scripts without input, opened once per process (-1 when it
    /// cannot be opened, or lands below 3 where it would collide with the child's targets:
    /// a pipe is used then).
    private static let devNull: CInt = open("/dev/null", O_RDONLY | O_CLOEXEC)

    private static func makePipe(_ fds: inout (CInt, CInt)) -> Bool {
        var pair: [CInt] = [-1, -1]
        guard pipe(&pair) == 0 else { return false }
        _ = swhost_set_cloexec(pair[0], 1)
        _ = swhost_set_cloexec(pair[1], 1)
        fds = (pair[0], pair[1])
        return true
    }

    private static func closeAll(_ pairs: (CInt, CInt)...) {
        for pair in pairs {
            if pair.0 >= 0 { close(pair.0) }
            if pair.1 >= 0 { close(pair.1) }
        }
    }
}

/// NULL-terminated C string arrays (argv, envp) in two allocations: the strings, one after the
/// other, and the pointers into them. Entries are `NAME=VALUE` when a value is given, else `NAME`.
struct CStringBlock {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let storage: UnsafeMutablePointer<CChar>

    init(_ entries: [(String, String?)]) {
        var total = 0
        for (name, value) in entries { total += name.utf8.count + 1 + (value.map { $0.utf8.count + 1 } ?? 0) }
        storage = .allocate(capacity: max(total, 1))
        pointers = .allocate(capacity: entries.count + 1)
        var offset = 0
        for (i, (name, value)) in entries.enumerated() {
            pointers[i] = storage + offset
            offset += Self.copy(name, to: storage + offset)
            if let value {
                storage[offset] = CChar(UInt8(ascii: "="))
                offset += 1
                offset += Self.copy(value, to: storage + offset)
            }
            storage[offset] = 0
            offset += 1
        }
        pointers[entries.count] = nil
    }

    private static func copy(_ string: String, to target: UnsafeMutablePointer<CChar>) -> Int {
        var string = string
        return string.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
            UnsafeMutableRawPointer(target).copyMemory(from: base, byteCount: bytes.count)
            return bytes.count
        }
    }

    func deallocate() {
        storage.deallocate()
        pointers.deallocate()
    }
}
