// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SWHostHTTP
import SWHostKit
import SWHostLog

/// A worker's signals, sent by its master: QUIT graceful stop (stop accepting, finish in-flight
/// requests, close idle connections, exit 0), TERM/INT fast stop, USR1 reopen the log files.
///
/// As in `SignalController`: the signals are blocked from the worker's first instruction (every
/// thread inherits the mask) and taken with `sigwait` on the main thread once the listeners are
/// adopted, so a QUIT that a reload sends while this worker is still starting is neither lost
/// nor fatal; it is acted on as soon as there is something to quiesce.
final class WorkerSignalController: @unchecked Sendable {
    // @unchecked: the mutable state is touched only on `queue`.
    private let server: VirtualHostServer
    private let errorLog: ErrorLog
    private let queue = DispatchQueue(label: "swhost.worker.signals")
    private var quitting = false
    private var recycleTimer: (any DispatchSourceTimer)?

    static let handledSignals: [Int32] = [SIGQUIT, SIGTERM, SIGINT, SIGUSR1]

    private static var handledSet: sigset_t { SignalSet.make(handledSignals) }

    /// Blocks the worker's signals in the calling thread and the threads it starts later, so
    /// they stay pending until `run()`. (Not `SIG_IGN`: that discards a pending signal.)
    static func blockSignals() {
        SignalSet.block(handledSignals)
    }

    init(server: VirtualHostServer, errorLog: ErrorLog) {
        self.server = server
        self.errorLog = errorLog
    }

    /// Takes the signals on the calling (main) thread, acts on `queue`; never returns.
    func run() -> Never {
        var set = Self.handledSet
        while true {
            var number: Int32 = 0
            guard sigwait(&set, &number) == 0 else { continue }
            let action: @Sendable () -> Void = switch number {
            case SIGQUIT: { self.quit() }
            case SIGUSR1: { self.reopenLogs() }
            default: { self.exitProcess() }
            }
            queue.async(execute: action)
        }
    }

    /// `worker_max_requests`: once this worker has served `limit` requests, ask the master
    /// (SIGUSR2) to replace it; the master starts the slot's next worker and sends this one QUIT.
    func recycle(after limit: Int, masterPID: pid_t) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [self] in
            guard server.counters.snapshot.requests >= limit else { return }
            recycleTimer?.cancel()
            errorLog.log(.notice, "worker_max_requests \(limit) reached, asking the master for a replacement")
            kill(masterPID, SIGUSR2)
        }
        recycleTimer = timer
        timer.resume()
    }

    private func quit() {
        guard !quitting else { return }
        quitting = true
        ServerStatus.shared.isDraining = true
        server.quiesce().whenComplete { _ in
            self.queue.async { self.exitProcess() }
        }
    }

    private func reopenLogs() {
        for problem in LogFileRegistry.shared.reopenAll() {
            errorLog.log(.alert, problem.description)
        }
    }

    private func exitProcess() {
        LogFileRegistry.shared.flushAll()
        exit(0)
    }
}
