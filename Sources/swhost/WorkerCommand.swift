// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import CSWHostSystem
import SWHostConfig
import SWHostKit
import SWHostHTTP
import SWHostLog
import SWHostProcess

/// `swhost --worker` (started by the master only): compile the configuration snapshot of its
/// generation (`ConfigSnapshot`), adopt the listening sockets inherited at fds 3..., drop to
/// `user` if configured, and serve with one event loop until the master says stop.
enum WorkerCommand {
    static func run(options: CommandLineOptions, paths: RuntimePaths, console: Console) -> Int32 {
        guard let handoff = WorkerHandoff.fromEnvironment() else {
            console.say("[emerg] --worker is for processes started by the master")
            return 1
        }
        WorkerSpawner.bindLifetimeToMaster(handoff.masterPID)
        _ = swhost_set_process_name("swhost: worker")
        signal(SIGPIPE, SIG_IGN)
        // The master's signals, meaningless here.
        for number in [SIGHUP, SIGWINCH, SIGTTIN, SIGTTOU, SIGUSR2] { signal(number, SIG_IGN) }
        // The worker's own signals stay pending from now on (every thread inherits the mask)
        // until `WorkerSignalController.run()` takes them: a QUIT sent by a reload while this
        // worker is still starting must neither kill it nor be lost.
        WorkerSignalController.blockSignals()

        // The generation's configuration as the master validated it; the files on disk only
        // when the master passed no snapshot.
        let loaded: LoadedConfiguration
        do {
            if let fd = handoff.configDescriptor {
                let bytes = ConfigSnapshot.read(descriptor: fd)
                close(fd)
                guard let directives = bytes.flatMap(ConfigSnapshot.decode) else {
                    console.say("[emerg] unreadable configuration snapshot from the master")
                    return 1
                }
                loaded = try ConfigurationLoader.compile(directives: directives, paths: paths)
            } else {
                loaded = try ConfigurationLoader.load(paths: paths, globalDirectives: options.globalDirectives)
            }
        } catch {
            console.report(error)
            return 1
        }
        let main = loaded.compiled.main
        let errorLog: ErrorLog
        switch ServeCommand.openErrorLog(main) {
        case .success(let log): errorLog = log
        case .failure(let diagnostic):
            console.report(diagnostic)
            return 1
        }
        guard let http = main.http else {
            errorLog.log(.emerg, "no \"http\" section in configuration")
            return 1
        }
        let runtime = HTTPRuntime(config: http, prefix: paths.prefix, mainErrorLog: errorLog, serverVersion: VersionCommand.version)
        let (inherited, missing) = handoff.inherited(for: runtime.boundListenKeys)
        if !missing.isEmpty {
            let list = missing.map(\.description).joined(separator: ", ")
            errorLog.log(.emerg, "listen \(list) is not held by the master: the configuration changed on disk since it was loaded (reload with \"swhost -s reload\")")
            return 1
        }
        // A listener the master passed but this config no longer has: close it, or the master
        // would wait for this worker to release it.
        let used = Set(inherited.values)
        for fd in handoff.descriptors.values where !used.contains(fd) { close(fd) }

        // Listeners are inherited and the error log is open: give up root now, before any
        // thread exists, if `user` says so (nginx's `[emerg] setuid(...) failed` ends the
        // worker; the master retries with backoff).
        if let user = main.user, let problem = PrivilegeDrop.drop(user: user.name, group: user.group) {
            errorLog.log(.emerg, problem)
            return 1
        }
        // A trapping Swift handler ends this worker; its last words name the invocations.
        SwiftHandlerCrashReport.install(errorLog: errorLog)
        let server = VirtualHostServer(runtime: runtime, threads: 1, maxConnections: main.workerConnections)
        // The whole server's status counters, in the master's shared region.
        if let fd = handoff.countersDescriptor, !VirtualHostCounters.shared.attach(descriptor: fd) {
            errorLog.log(.alert, "unusable shared status counters from the master; this worker counts alone")
        }
        ServeCommand.publishStatus(of: server)
        let started = DispatchSemaphore(value: 0)
        let failure = NIOLockedValueBox<String?>(nil)
        Task {
            do {
                _ = try await server.start(inherited: inherited)
            } catch {
                failure.withLockedValue { $0 = ServeCommand.describeBindError(error, runtime: runtime) }
            }
            started.signal()
        }
        started.wait()
        if let message = failure.withLockedValue({ $0 }) {
            errorLog.log(.emerg, message)
            return 1
        }
        if let heartbeat = handoff.heartbeatDescriptor {
            // On the event loop itself: a loop stuck in a handler stops stamping (worker_timeout).
            server.group.next().scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(500)) { _ in
                Heartbeat.beat(heartbeat)
            }
        }
        server.group.next().scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(100)) { [counters = server.counters] _ in
            VirtualHostCounters.shared.publish(counters)
        }
        let controller = WorkerSignalController(server: server, errorLog: errorLog)
        if main.workerMaxRequests > 0 {
            let jitter = main.workerMaxRequestsJitter > 0 ? Int.random(in: 0...main.workerMaxRequestsJitter) : 0
            controller.recycle(after: main.workerMaxRequests + jitter, masterPID: handoff.masterPID)
        }
        controller.run()
    }
}
