// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SWHostHTTP
import SWHostLog

/// A worker's signals, sent by its master: QUIT graceful stop (stop accepting, finish in-flight
/// requests, close idle connections, exit 0), TERM/INT fast stop, USR1 reopen the log files.
/// A QUIT that arrives while the listeners are still being adopted is acted on once they are.
final class WorkerSignalController: @unchecked Sendable {
    // @unchecked: the mutable state is touched only on `queue`.
    private let server: VirtualHostServer
    private let errorLog: ErrorLog
    private let queue = DispatchQueue(label: "swhost.worker.signals")
    private var sources: [any DispatchSourceSignal] = []
    private var started = false
    private var quitRequested = false
    private var quitting = false

    init(server: VirtualHostServer, errorLog: ErrorLog) {
        self.server = server
        self.errorLog = errorLog
    }

    static let handledSignals: [Int32] = [SIGQUIT, SIGTERM, SIGINT, SIGUSR1]

    /// Blocks the worker's signals in the calling thread and the threads it starts later, so
    /// they stay pending until `install()`. (Not `SIG_IGN`: that discards a pending signal.)
    static func blockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for number in handledSignals { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Dispatch takes the blocked signals through a signalfd, including one already pending.
    func install() {
        let actions: [(Int32, () -> Void)] = [(SIGQUIT, quit), (SIGTERM, stopFast), (SIGINT, stopFast), (SIGUSR1, reopenLogs)]
        for (number, action) in actions {
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
        }
    }

    /// The listeners are adopted: a pending QUIT can now quiesce them.
    func markStarted() {
        queue.async {
            self.started = true
            if self.quitRequested { self.quit() }
        }
    }

    private func quit() {
        quitRequested = true
        guard started, !quitting else { return }
        quitting = true
        server.quiesce().whenComplete { _ in
            self.queue.async { self.exitProcess() }
        }
    }

    private func stopFast() {
        exitProcess()
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
