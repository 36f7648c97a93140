// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostProcess

/// `swhost -s stop|quit|reopen|reload`: read the master's pid from the `pid` file named by the
/// configuration and signal it, with nginx's error messages for a missing, invalid or stale pid.
enum SignalCommand {
    static func signalNumber(for signal: ControlSignal) -> CInt {
        switch signal {
        case .stop: SIGTERM
        case .quit: SIGQUIT
        case .reopen: SIGUSR1
        case .reload: SIGHUP
        }
    }

    /// Exits the process: 0 when the signal was sent, 1 otherwise. Like `-t`, it exits with the
    /// loaded configuration alive rather than spend time freeing it.
    static func run(_ signal: ControlSignal, options: CommandLineOptions, paths: RuntimePaths, console: Console) -> Never {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            console.report(error)
            exit(1)
        }
        let status = send(signal, pidPath: loaded.compiled.main.pidPath, console: console)
        withExtendedLifetime(loaded) { exit(status) }
    }

    static func send(_ signal: ControlSignal, pidPath: String, console: Console) -> Int32 {
        switch readPid(at: pidPath) {
        case .failure(let diagnostic):
            console.report(diagnostic)
            return 1
        case .success(let pid):
            let number = signalNumber(for: signal)
            // A master reports each reload's outcome; wait for the one this signal causes.
            let before = signal == .reload ? ReloadStatus.read(from: ReloadStatus.path(pidPath: pidPath)) : nil
            if kill(pid, number) != 0 {
                let code = errno
                console.report(ConfigDiagnostic(.alert, "kill(\(pid), \(number)) failed (\(code): \(String(cString: strerror(code))))"))
                return 1
            }
            if let before { return ReloadWait.outcome(after: before, pidPath: pidPath, console: console) }
            return 0
        }
    }

    /// Reads a pid file the way nginx does: trailing CR and LF are dropped and the rest must be a
    /// decimal number. Unlike nginx, 0 is refused too (nginx would signal its own process group).
    static func readPid(at path: String) -> Result<pid_t, ConfigDiagnostic> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(ConfigDiagnostic(.error, "open() \"\(path)\" failed (\(code): \(String(cString: strerror(code))))"))
        }
        defer { close(fd) }
        // nginx reads at most NGX_INT64_LEN + 2 bytes: a number and a line ending.
        var buffer = [UInt8](repeating: 0, count: 22)
        let n = read(fd, &buffer, buffer.count)
        var bytes = n > 0 ? buffer[..<n] : []
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            bytes = bytes.dropLast()
        }
        var pid: pid_t = 0
        var valid = !bytes.isEmpty
        for byte in bytes where valid {
            let (times10, overflow1) = pid.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(pid_t(byte &- UInt8(ascii: "0")))
            valid = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) && !overflow1 && !overflow2
            pid = sum
        }
        guard valid, pid > 0 else {
            let shown = String(decoding: bytes, as: UTF8.self)
            return .failure(ConfigDiagnostic(.error, "invalid PID number \"\(shown)\" in \"\(path)\""))
        }
        return .success(pid)
    }
}
