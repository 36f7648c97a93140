// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOCore
import SWHostConfig
import SWHostHTTP
import SWHostLog

/// The signals a running swhost answers, with nginx's meanings, on one serial queue.
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
    private var sources: [any DispatchSourceSignal] = []
    private var stopping = false
    private var generation = 1

    init(server: VirtualHostServer, errorLog: ErrorLog, paths: RuntimePaths, options: CommandLineOptions, pidPath: String) {
        self.server = server
        self.errorLog = errorLog
        self.paths = paths
        self.options = options
        self.pidPath = pidPath
    }

    func install() {
        signal(SIGPIPE, SIG_IGN)
        for (number, action) in [(SIGTERM, stopFast), (SIGINT, stopFast), (SIGQUIT, stopGracefully), (SIGUSR1, reopenLogs), (SIGHUP, reload)] as [(Int32, () -> Void)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
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
        server.replaceRuntime(HTTPRuntime(config: http, prefix: paths.prefix, mainErrorLog: errorLog, serverVersion: VersionCommand.version))
        generation += 1
        errorLog.log(.notice, "configuration generation \(generation) applied")
    }

    private func exitProcess(_ status: Int32) {
        LogFileRegistry.shared.flushAll()
        unlink(pidPath)
        exit(status)
    }
}
