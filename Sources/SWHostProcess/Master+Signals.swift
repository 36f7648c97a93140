// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostLog

extension Master {
    /// nginx's meanings, plus gunicorn's TTIN/TTOU.
    func handle(signal number: Int32) {
        switch number {
        case SIGTERM, SIGINT:
            guard !isFastStopping else { return }
            errorLog.log(.notice, "signal \(number) (\(Self.name(number))) received, exiting")
            mode = .stoppingFast(deadline: Self.now() + 5)
            pending = [:]
            for pid in workers.keys { kill(pid, SIGTERM) }
        case SIGQUIT:
            guard mode == .running else { return }
            errorLog.log(.notice, "signal \(number) (SIGQUIT) received, shutting down")
            errorLog.log(.notice, "gracefully shutting down")
            mode = .stoppingGracefully
            pending = [:]
            for pid in Array(workers.keys) { quit(pid) }
        case SIGUSR1:
            errorLog.log(.notice, "signal \(number) (SIGUSR1) received, reopening logs")
            errorLog.log(.notice, "reopening logs")
            reopenLogs()
            for pid in workers.keys { kill(pid, SIGUSR1) }
        case SIGWINCH:
            guard mode == .running else { return }
            errorLog.log(.notice, "signal \(number) (SIGWINCH) received, gracefully shutting down worker processes")
            workersStopped = true
            pending = [:]
            for pid in Array(workers.keys) { quit(pid) }
            current = [:]
        case SIGTTIN:
            guard mode == .running else { return }
            addSlot()
        case SIGTTOU:
            guard mode == .running else { return }
            removeSlot()
        case SIGHUP:
            guard mode == .running else { return }
            errorLog.log(.notice, "signal \(number) (SIGHUP) received, reconfiguring")
            reloadAttempts += 1
            let refusal = reload()
            ReloadStatus(attempt: reloadAttempts, generation: generation, succeeded: refusal == nil, message: refusal ?? "")
                .write(to: ReloadStatus.path(pidPath: pidPath))
        default:
            break // SIGCHLD: reaped after every wakeup.
        }
    }

    var isFastStopping: Bool {
        if case .stoppingFast = mode { return true }
        return false
    }

    /// TTIN: one more worker slot, with its own sockets.
    func addSlot() {
        var opened: [Int32] = []
        do {
            slotSockets.append(try openSlot(plan.listeners, existing: [:], opened: &opened))
        } catch {
            errorLog.log(.alert, error.description)
            return
        }
        slotCount += 1
        workersStopped = false
        pending[slotCount - 1] = PendingSpawn(notBefore: Self.now(), waitFor: nil)
        errorLog.log(.notice, "increasing worker processes to \(slotCount)")
    }

    /// TTOU: one worker less (never below one). The slot's sockets are closed in the master at
    /// once, so the kernel stops queueing on them as soon as the worker closes its copies.
    func removeSlot() {
        guard slotCount > 1 else { return }
        slotCount -= 1
        let slot = slotCount
        pending[slot] = nil
        failures[slot] = nil
        for fd in slotSockets.removeLast().values { close(fd) }
        if let pid = current.removeValue(forKey: slot) { quit(pid) }
        errorLog.log(.notice, "decreasing worker processes to \(slotCount)")
    }

    /// HUP: a new generation. The configuration is read and validated first; a broken one is
    /// logged and the running workers keep serving. Listeners whose address stays keep their
    /// sockets; added ones are opened before anything changes; removed ones are closed once the
    /// old workers are gone. Each slot's new worker starts as soon as its old one has stopped
    /// accepting.
    /// Returns nil when the new generation started, else the logged reason it was refused.
    func reload() -> String? {
        let newPlan: MasterPlan
        switch loadPlan() {
        case .failure(let diagnostic):
            let text = diagnostic.description
            let tag = "[\(diagnostic.level)] "
            let message = text.hasPrefix(tag) ? String(text.dropFirst(tag.count)) : text
            errorLog.log(diagnostic.level, message)
            return message
        case .success(let loaded):
            newPlan = loaded
        }

        let oldKeys = Set(plan.listeners.map(\.key))
        var opened: [Int32] = []
        var newSlots: [[ListenKey: Int32]] = []
        var newUnix: [ListenKey: Int32] = [:]
        do throws(ListenSocketError) {
            for listener in newPlan.listeners where !oldKeys.contains(listener.key) {
                try ListenSocket.checkAvailable(listener.key, ipv6Only: listener.ipv6Only)
            }
            for listener in newPlan.listeners {
                guard case .unix = listener.key else { continue }
                if let fd = unixSockets[listener.key] {
                    ListenSocket.relisten(fd, backlog: listener.backlog)
                    newUnix[listener.key] = fd
                } else {
                    let fd = try ListenSocket.open(listener.key, backlog: listener.backlog, reusePort: false)
                    opened.append(fd)
                    newUnix[listener.key] = fd
                }
            }
            for slot in 0..<newPlan.workerCount {
                let existing = slot < slotSockets.count ? slotSockets[slot] : [:]
                newSlots.append(try openSlot(newPlan.listeners, existing: existing, opened: &opened))
            }
            // Last: it changes nothing when it throws, and nothing after it can fail.
            let appChanges = try apps.apply(newPlan.fastcgiApps, now: Self.now())
            for (label, names) in [("started", appChanges.started), ("removed", appChanges.removed)] where !names.isEmpty {
                errorLog.log(.notice, "fastcgi_app \(label): " + names.joined(separator: ", "))
            }
        } catch {
            for fd in opened { close(fd) }
            errorLog.log(.emerg, error.description)
            return error.description
        }

        // Sockets the new generation does not use: closed once the old workers are gone.
        let kept = Set(newSlots.flatMap(\.values)).union(newUnix.values)
        let unused = (slotSockets.flatMap(\.values) + Array(unixSockets.values)).filter { !kept.contains($0) }
        let oldWorkers = Set(workers.keys)
        if !unused.isEmpty { retiring.append((descriptors: unused, until: oldWorkers)) }

        let previous = current
        let previousDirectives = plan.configDirectives
        generation += 1
        plan = newPlan
        // Old workers hold their own copies of the previous snapshot.
        if let old = snapshot { close(old) }
        snapshot = makeSnapshot(newPlan)
        // nginx keeps stub_status totals across reloads: same region, new servers appended.
        if let left = counters?.add(names: newPlan.serverNames), !left.isEmpty {
            errorLog.log(.warn, "the shared status counters are full; not counted: \(left.joined(separator: " "))")
        }
        slotSockets = newSlots
        unixSockets = newUnix
        slotCount = newPlan.workerCount
        workersStopped = false
        failures = [:]
        current = [:]
        pending = [:]
        for pid in previous.values { quit(pid) }
        let now = Self.now()
        for slot in 0..<slotCount {
            pending[slot] = PendingSpawn(notBefore: now, waitFor: previous[slot])
        }
        let changes = VirtualHostInventory(directives: newPlan.configDirectives)
            .changes(since: VirtualHostInventory(directives: previousDirectives))
        var summary = ""
        for (label, names) in [("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)] where !names.isEmpty {
            summary += "; \(label): " + names.joined(separator: ", ")
        }
        errorLog.log(.notice, "reconfiguring: generation \(generation), \(slotCount) worker process\(slotCount == 1 ? "" : "es")\(summary)")
        return nil
    }

    static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGHUP: "SIGHUP"
        case SIGUSR1: "SIGUSR1"
        case SIGWINCH: "SIGWINCH"
        case SIGTTIN: "SIGTTIN"
        case SIGTTOU: "SIGTTOU"
        case SIGCHLD: "SIGCHLD"
        default: "signal \(number)"
        }
    }
}
