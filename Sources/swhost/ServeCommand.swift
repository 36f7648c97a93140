// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import CSWHostSystem
import SWHostConfig
import SWHostHTTP
import SWHostHTTPCore
import SWHostKit
import SWHostLog
import SWHostProcess

/// `swhost` without -t/-s: load the configuration, bind every listener, write the pid file and
/// serve in the foreground until a signal says otherwise. With `master_process on` (the
/// default) this process becomes the master of a worker pool (`MasterCommand`); with `--worker`
/// it is one of those workers (`WorkerCommand`); `master_process off` serves in this process.
///
/// Signals, as nginx: TERM/INT fast stop, QUIT graceful stop, USR1 reopen the log files, HUP
/// reload (validate first; a broken config is logged and the running one keeps serving).
enum ServeCommand {
    static func run(options: CommandLineOptions, paths: RuntimePaths, console: Console) -> Int32 {
        if options.workerMode {
            return WorkerCommand.run(options: options, paths: paths, console: console)
        }
        // First, before any thread exists: every thread inherits the mask. The master takes its
        // signals with `sigtimedwait` (see `Master`), the single-process mode with `sigwait`
        // (see SignalController); the master's set includes the single-process one.
        Master.blockSignals()
        SignalController.blockHandledSignals()
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            console.report(error)
            return 1
        }
        for warning in loaded.compiled.warnings { console.report(warning) }
        let main = loaded.compiled.main
        if main.daemon && !Daemon.isDaemonChild {
            return Daemon.spawnAndWait(pidPath: main.pidPath, console: console)
        }

        let errorLog: ErrorLog
        switch openErrorLog(main) {
        case .success(let log): errorLog = log
        case .failure(let diagnostic):
            console.report(diagnostic)
            return 1
        }

        guard let http = main.http else {
            console.report(ConfigDiagnostic(.emerg, "no \"http\" section in configuration"))
            return 1
        }
        if main.masterProcess {
            return MasterCommand.run(loaded: loaded, options: options, paths: paths, console: console, errorLog: errorLog)
        }
        let runtime = HTTPRuntime(config: http, prefix: paths.prefix, mainErrorLog: errorLog, serverVersion: VersionCommand.version)
        let threads: Int = switch main.workerProcesses {
        case .auto: System.coreCount
        case .count(let n): n
        }
        // Without worker processes, each event loop stands for a worker.
        let server = VirtualHostServer(runtime: runtime, threads: threads, maxConnections: main.workerConnections * threads)
        publishStatus(of: server)
        let started = DispatchSemaphore(value: 0)
        let failure = NIOLockedValueBox<ConfigDiagnostic?>(nil)
        Task {
            do {
                _ = try await server.start()
            } catch {
                failure.withLockedValue { $0 = ConfigDiagnostic(.emerg, describeBindError(error, runtime: runtime)) }
            }
            started.signal()
        }
        started.wait()
        if let diagnostic = failure.withLockedValue({ $0 }) {
            console.report(diagnostic)
            errorLog.log(.emerg, diagnostic.message)
            return 1
        }

        var apps: FastCGIAppService?
        if !http.fastcgiApps.isEmpty {
            let service = FastCGIAppService(errorLog: errorLog, options: MasterCommand.appOptions(main, bindToParent: false))
            do throws(ListenSocketError) {
                try service.start(http.fastcgiApps)
            } catch {
                console.report(ConfigDiagnostic(.emerg, error.description))
                errorLog.log(.emerg, error.description)
                return 1
            }
            apps = service
        }
        // A signal sent as soon as the pid file appears waits (blocked since the start) for
        // `run()`: it is never lost and never takes its default action (SIGHUP's would kill).
        let controller = SignalController(server: server, errorLog: errorLog, paths: paths, options: options, pidPath: main.pidPath)
        controller.apps = apps
        if let problem = controller.writePidFile() {
            console.report(problem)
            errorLog.log(.emerg, problem.message)
            return 1
        }
        errorLog.log(.notice, "swhost/\(VersionCommand.version) started, pid \(getpid())")
        if Daemon.isDaemonChild { Daemon.detachStandardError() }
        controller.run()
    }

    /// The `status` and `health` handlers read the server's counters (the whole pool's, in a worker
    /// that attached the master's shared region).
    static func publishStatus(of server: VirtualHostServer) {
        VirtualHostCounters.shared.install(into: ServerStatus.shared, live: server.counters)
        ServerStatus.shared.startTime = Int64(time(nil))
    }

    static func openErrorLog(_ main: MainConfig) -> Result<ErrorLog, ConfigDiagnostic> {
        var targets: [ErrorLog.Target] = []
        for target in main.errorLogs {
            do {
                targets.append(try ErrorLog.Target(target))
            } catch {
                return .failure(ConfigDiagnostic(.emerg, error.description))
            }
        }
        return .success(ErrorLog(targets: targets))
    }

    /// nginx's wording: `bind() to 0.0.0.0:8080 failed (98: Address already in use)`.
    static func describeBindError(_ error: any Error, runtime: HTTPRuntime) -> String {
        guard let bindError = error as? ListenerBindError else { return "could not listen: \(error)" }
        if let code = bindError.errnoCode {
            return "\(bindError) (\(code): \(String(cString: strerror(code))))"
        }
        return "\(bindError): \(bindError.underlying)"
    }

    static func writePidFile(_ path: String) -> ConfigDiagnostic? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            return ConfigDiagnostic(.emerg, "open() \"\(path)\" failed (\(code): \(String(cString: strerror(code))))")
        }
        defer { close(fd) }
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        return nil
    }
}
