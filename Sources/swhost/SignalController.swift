// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOCore
import SWHostConfig
import SWHostHTTP
import SWHostKit
import SWHostLog
import SWHostProcess

/// The signals a running swhost answers, with nginx's meanings, on one serial queue.
///
/// Signals are blocked in every thread from the start (`blockHandledSignals`) and taken with
/// `sigwait` on the main thread (`run`), so none is lost or acts by default: not one sent while
/// the server is starting, nor one sent the moment the pid file appears. (Dispatch signal
/// sources lost such signals: their handler is installed asynchronously, and `dispatchMain()`
/// parks the main thread in `sigsuspend` with every signal unblocked, so a signal that came
/// first met SIG_IGN there and was discarded, or SIGHUP's default action killed the server.)
///
/// Until the master/worker pool lands this process serves by itself, so `HUP` reloads in place:
/// the new configuration is validated first, and applied to new requests when its listen
/// addresses are the ones already bound (a change of addresses needs a restart for now).
final class SignalController: @unchecked Sendable {
    // @unchecked: all mutable state is touched only on `queue`.
    private let server: VirtualHostServer
    private let errorLog: ErrorLog
    private let paths: RuntimePaths
    private let options: CommandLineOptions
    private let pidPath: String
    private let queue = DispatchQueue(label: "swhost.signals")
    private var stopping = false
    private var generation = 1
    /// True once this process has written the pid file: a stop before that leaves the file alone
    /// (it may be another server's).
    private var ownsPidFile = false
    /// The `fastcgi_app` processes this process supervises (`master_process off`).
    var apps: FastCGIAppService?

    init(server: VirtualHostServer, errorLog: ErrorLog, paths: RuntimePaths, options: CommandLineOptions, pidPath: String) {
        self.server = server
        self.errorLog = errorLog
        self.paths = paths
        self.options = options
        self.pidPath = pidPath
    }

    /// The signals the controller answers.
    static let handledSignals: [Int32] = [SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGHUP]

    private static var handledSet: sigset_t { SignalSet.make(handledSignals) }

    /// Blocks the handled signals in the calling thread; call it on the main thread first thing,
    /// before any other thread exists, so that every thread (NIO's event loops included) inherits
    /// the mask and the signals wait for `run()`. A process this one spawns must reset its mask
    /// (`posix_spawnattr_setsigmask`).
    static func blockHandledSignals() {
        SignalSet.block(handledSignals)
        signal(SIGPIPE, SIG_IGN)
    }

    /// Takes the handled signals, one at a time, on the calling thread (the main thread) and
    /// runs their actions on the controller's queue; never returns (a stop exits the process).
    func run() -> Never {
        var set = Self.handledSet
        while true {
            var number: Int32 = 0
            guard sigwait(&set, &number) == 0 else { continue }
            let action: @Sendable () -> Void = switch number {
            case SIGTERM, SIGINT: { self.stopFast() }
            case SIGQUIT: { self.stopGracefully() }
            case SIGUSR1: { self.reopenLogs() }
            default: { self.reload() }
            }
            queue.async(execute: action)
        }
    }

    /// Writes the pid file, and notes that this process owns it, on the queue where the
    /// controller's state lives (signals are taken only after this, by `run()`).
    func writePidFile() -> ConfigDiagnostic? {
        queue.sync {
            if let problem = ServeCommand.writePidFile(pidPath) { return problem }
            ownsPidFile = true
            return nil
        }
    }

    private func stopFast() {
        guard !stopping else { return }
        stopping = true
        errorLog.log(.notice, "exiting")
        exitProcess(0)
    }

    private func stopGracefully() {
        guard !stopping else { return }
        stopping = true
        errorLog.log(.notice, "gracefully shutting down")
        // `health` answers 503 from now on, so load balancers stop sending new requests.
        ServerStatus.shared.isDraining = true
        server.quiesce().whenComplete { _ in
            self.queue.async {
                self.errorLog.log(.notice, "exiting")
                self.exitProcess(0)
            }
        }
    }

    private func reopenLogs() {
        errorLog.log(.notice, "reopening logs")
        for problem in LogFileRegistry.shared.reopenAll() {
            errorLog.log(.alert, problem.description)
        }
    }

    private func reload() {
        errorLog.log(.notice, "signal 1 (SIGHUP) received, reconfiguring")
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
        } catch {
            errorLog.log(error.level, String(error.description.dropFirst("[\(error.level)] ".count)))
            return
        }
        for warning in loaded.compiled.warnings {
            errorLog.log(warning.level, String(warning.description.dropFirst("[\(warning.level)] ".count)))
        }
        guard let http = loaded.compiled.main.http else {
            errorLog.log(.emerg, "no \"http\" section in configuration")
            return
        }
        let current = server.runtime
        guard Set(http.listeners.keys) == Set(current.listenKeys) else {
            errorLog.log(.error, "reload refused: listen addresses changed; restart swhost to apply them")
            return
        }
        if let apps, let problem = apps.reload(http.fastcgiApps) {
            errorLog.log(.emerg, problem)
            return
        }
        server.replaceRuntime(HTTPRuntime(config: http, prefix: paths.prefix, mainErrorLog: errorLog, serverVersion: VersionCommand.version))
        server.setMaxConnections(loaded.compiled.main.workerConnections * Array(server.group.makeIterator()).count)
        generation += 1
        errorLog.log(.notice, "configuration generation \(generation) applied")
    }

    private func exitProcess(_ status: Int32) {
        apps?.stop()
        LogFileRegistry.shared.flushAll()
        if ownsPidFile { unlink(pidPath) }
        exit(status)
    }
}
