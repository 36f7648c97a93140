// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SWHostConfig
import SWHostLog

/// `master_process off`: the serving process supervises the `fastcgi_app` processes itself. A
/// `FastCGIAppSupervisor` driven by a timer on a serial queue; it reaps only its own children
/// (`waitpid(pid)`), so the CGI bridge keeps the statuses of its scripts.
public final class FastCGIAppService: @unchecked Sendable {
    // @unchecked: `supervisor` is touched only on `queue`.
    private let supervisor: FastCGIAppSupervisor
    private let queue = DispatchQueue(label: "swhost.fastcgi-apps")
    private var timer: (any DispatchSourceTimer)?

    public init(errorLog: ErrorLog, options: FastCGIAppSupervisor.Options) {
        supervisor = FastCGIAppSupervisor(errorLog: errorLog, options: options)
    }

    /// Opens the apps' sockets (nginx-worded error on failure, nothing started) and starts the
    /// processes and their supervision.
    public func start(_ apps: [FastCGIApp]) throws(ListenSocketError) {
        let result: Result<Void, ListenSocketError> = queue.sync {
            do throws(ListenSocketError) {
                try supervisor.apply(apps, now: Self.now())
                supervisor.tick(now: Self.now())
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [self] in
            supervisor.reapChildren(now: Self.now())
            supervisor.tick(now: Self.now())
        }
        timer.resume()
        queue.sync { self.timer = timer }
    }

    /// A reload: see `FastCGIAppSupervisor.apply`. Returns the failure's text, nil on success.
    public func reload(_ apps: [FastCGIApp]) -> String? {
        queue.sync {
            do throws(ListenSocketError) {
                try supervisor.apply(apps, now: Self.now())
                supervisor.tick(now: Self.now())
                return nil
            } catch {
                return error.description
            }
        }
    }

    /// TERM to every process, KILL after the grace; returns once all are reaped. Blocking.
    public func stop() {
        queue.sync { supervisor.stopAll(now: Self.now()) }
        while queue.sync(execute: { () -> Bool in
            supervisor.reapChildren(now: Self.now())
            supervisor.tick(now: Self.now())
            return supervisor.hasProcesses
        }) {
            usleep(10_000)
        }
    }

    static func now() -> Double { Master.now() }
}
