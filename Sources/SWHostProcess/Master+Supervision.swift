// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig
import SWHostLog

extension Master {
    /// Collects every exited child; a current worker that died is replaced (after a backoff when
    /// it keeps dying young).
    func reap() {
        while true {
            var raw: Int32 = 0
            let pid = waitpid(-1, &raw, WNOHANG)
            if pid <= 0 { return }
            guard let worker = workers.removeValue(forKey: pid) else {
                apps.childExited(pid, status: raw, now: Self.now())
                continue
            }
            if let heartbeat = worker.heartbeat { close(heartbeat) }
            counters?.release(worker: pid)
            let status = WaitStatus(raw: raw)
            let expected = worker.quitting || mode != .running
            errorLog.log(expected && status.isSuccess ? .notice : .alert, "worker process \(pid) \(status)")
            guard current[worker.slot] == pid else { continue }
            current[worker.slot] = nil
            guard mode == .running, !workersStopped, worker.slot < slotCount else { continue }
            let now = Self.now()
            var delay = 0.0
            if now - worker.started < 1 {
                // Dying within a second of its start: a crash loop (broken config on disk, a
                // trap at start-up) is throttled, 100 ms doubling to 10 s.
                let count = (failures[worker.slot] ?? 0) + 1
                failures[worker.slot] = count
                delay = min(0.1 * Double(1 << min(count - 1, 8)), 10)
            } else {
                failures[worker.slot] = 0
            }
            pending[worker.slot] = PendingSpawn(notBefore: now + delay, waitFor: nil)
        }
    }

    /// Starts due workers, kills workers past their shutdown deadline, closes retired sockets.
    func tick() {
        let now = Self.now()
        for (slot, spawn) in pending where now >= spawn.notBefore {
            if let previous = spawn.waitFor, !hasReleasedListeners(previous) { continue }
            pending[slot] = nil
            startWorker(slot: slot)
        }
        for (pid, worker) in workers {
            if let deadline = worker.killDeadline, now >= deadline {
                errorLog.log(.warn, "worker process \(pid) did not exit in time, killing it")
                kill(pid, SIGKILL)
                workers[pid]?.killDeadline = nil
            }
        }
        checkHeartbeats()
        apps.tick(now: now)
        if case .stoppingFast(let deadline) = mode, now >= deadline {
            for pid in workers.keys { kill(pid, SIGKILL) }
            mode = .stoppingFast(deadline: .infinity)
        }
        retiring.removeAll { entry in
            guard entry.until.allSatisfy({ workers[$0] == nil }) else { return false }
            for fd in entry.descriptors { close(fd) }
            return true
        }
    }

    /// The descriptors a slot's worker gets, in order (fds 3...): its TCP sockets, then the
    /// shared unix ones, each sorted by address text.
    func descriptors(slot: Int) -> [(key: ListenKey, fd: Int32)] {
        let tcp = slotSockets[slot].sorted { $0.key.description < $1.key.description }
        let unix = unixSockets.sorted { $0.key.description < $1.key.description }
        return (tcp + unix).map { (key: $0.key, fd: $0.value) }
    }

    func startWorker(slot: Int) {
        guard slot < slotSockets.count else { return }
        let passed = descriptors(slot: slot)
        var map: [String: Int32] = [:]
        for (index, entry) in passed.enumerated() { map[entry.key.description] = Int32(3 + index) }
        var extra: [Int32] = []
        var handoff = WorkerHandoff(descriptors: map, masterPID: getpid(), slot: slot, generation: generation)
        if let snapshot {
            handoff.configDescriptor = Int32(3 + passed.count + extra.count)
            extra.append(snapshot)
        }
        if let counters {
            handoff.countersDescriptor = Int32(3 + passed.count + extra.count)
            extra.append(counters.descriptor)
        }
        let heartbeat = plan.workerTimeout != nil ? Heartbeat.create() : nil
        if let heartbeat {
            handoff.heartbeatDescriptor = Int32(3 + passed.count + extra.count)
            extra.append(heartbeat)
        }
        let result = WorkerSpawner.spawn(
            executable: executable, arguments: ["swhost"] + workerArguments,
            descriptors: passed.map(\.fd) + extra, extraEnvironment: handoff.environment
        )
        switch result {
        case .failure(let error):
            if let heartbeat { close(heartbeat) }
            errorLog.log(.alert, error.description)
            pending[slot] = PendingSpawn(notBefore: Self.now() + 1, waitFor: nil)
        case .success(let pid):
            let inodes = Set(passed.compactMap { ListenSocket.inode(of: $0.fd) })
            workers[pid] = Worker(
                slot: slot, generation: generation, started: Self.now(), inodes: inodes,
                descriptorCount: passed.count, heartbeat: heartbeat
            )
            current[slot] = pid
            errorLog.log(.notice, "start worker process \(pid)")
        }
    }

    /// True once `pid` no longer holds any of the listeners it inherited (it closed them on QUIT,
    /// or exited), so the next worker of its slot can accept without sharing a socket with it.
    func hasReleasedListeners(_ pid: pid_t) -> Bool {
        guard let worker = workers[pid] else { return true }
        // Inherited listeners sit at 3...; NIO closes them in place when the worker quiesces (a
        // later connection may reuse the number, hence the inode comparison).
        for fd in 3..<(3 + worker.descriptorCount) {
            var info = stat()
            if stat("/proc/\(pid)/fd/\(fd)", &info) == 0, worker.inodes.contains(UInt64(info.st_ino)) { return false }
        }
        return true
    }

    /// `worker_timeout`: kills a worker whose event loop has not stamped its heartbeat for that
    /// long (counted from its start until the first stamp); the respawn follows. Draining
    /// workers are watched too: a stuck one would otherwise keep its slot's socket forever.
    func checkHeartbeats() {
        guard let timeout = plan.workerTimeout, mode == .running else { return }
        let (seconds, attoseconds) = timeout.components
        let limit = Int64(seconds) * 1000 + Int64(attoseconds / 1_000_000_000_000_000)
        let now = Heartbeat.nowMilliseconds()
        for (pid, worker) in workers where !worker.killed {
            guard let fd = worker.heartbeat else { continue }
            let stamp = Heartbeat.last(fd)
            let since = stamp > 0 ? stamp : Int64(worker.started * 1000)
            if now - since > limit {
                errorLog.log(.alert, "worker process \(pid) has not answered for \(now - since) ms (worker_timeout), killing it")
                kill(pid, SIGKILL)
                workers[pid]?.killed = true
            }
        }
    }

    /// SIGUSR2 from a worker (`worker_max_requests` reached): the slot gets a fresh worker as
    /// soon as this one, told to QUIT, has stopped accepting.
    func replace(worker pid: pid_t) {
        guard mode == .running, let worker = workers[pid], current[worker.slot] == pid else { return }
        errorLog.log(.notice, "worker process \(pid) reached worker_max_requests, replacing it")
        current[worker.slot] = nil
        quit(pid)
        pending[worker.slot] = PendingSpawn(notBefore: Self.now(), waitFor: pid)
    }

    /// Asks a worker to finish its requests and exit, with `worker_shutdown_timeout` as deadline.
    func quit(_ pid: pid_t) {
        guard workers[pid] != nil else { return }
        kill(pid, SIGQUIT)
        workers[pid]?.quitting = true
        if let timeout = plan.shutdownTimeout {
            let (seconds, attoseconds) = timeout.components
            workers[pid]?.killDeadline = Self.now() + Double(seconds) + Double(attoseconds) / 1e18
        }
    }
}
