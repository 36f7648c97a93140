// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig

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

    static func run(_ signal: ControlSignal, options: CommandLineOptions, paths: RuntimePaths, console: Console) -> Int32 {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            console.report(error)
            return 1
        }
        let pidPath = loaded.compiled.main.pidPath
        switch readPid(at: pidPath) {
        case .failure(let diagnostic):
            console.report(diagnostic)
            return 1
        case .success(let pid):
            let number = signalNumber(for: signal)
            if kill(pid, number) != 0 {
                let code = errno
                console.report(ConfigDiagnostic(.alert, "kill(\(pid), \(number)) failed (\(code): \(String(cString: strerror(code))))"))
                return 1
            }
            return 0
        }
    }

    /// Reads a pid file: one decimal number, optionally followed by a newline.
    static func readPid(at path: String) -> Result<pid_t, ConfigDiagnostic> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(ConfigDiagnostic(.error, "open() \"\(path)\" failed (\(code): \(String(cString: strerror(code))))"))
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        let text = n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : ""
        let trimmed = text.hasSuffix("\n") ? String(text.dropLast()) : text
        guard let pid = pid_t(trimmed), pid > 0 else {
            return .failure(ConfigDiagnostic(.error, "invalid PID number \"\(trimmed)\" in \"\(path)\""))
        }
        return .success(pid)
    }
}
