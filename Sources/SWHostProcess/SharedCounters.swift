// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem

/// The memory the master shares with every worker for the `status` handler's counters (nginx's
/// stub_status shared zone): the whole server's connection counters and per-virtual-server
/// request counters, updated by the workers with relaxed atomic adds (layout and operations in
/// `CSWHostSystem`, `swhost_counters_*`).
///
/// The master creates one region for its whole life and passes its descriptor to each worker
/// like the listeners (`WorkerHandoff.countersDescriptor`), so totals survive reloads as
/// nginx's do; a reload appends the names of servers it adds. When a worker exits the master
/// folds its connection totals into the retired totals and frees its entry.
///
/// Used by the master's one thread only.
public final class SharedCounters {
    /// The region's file (unlinked, close-on-exec, >= `ListenSocket.minimumDescriptor`).
    public let descriptor: Int32
    let base: UnsafeMutableRawPointer
    let size: Int

    /// Worker entries: enough for several generations of a large pool draining at once.
    static func workerCapacity(workers: Int) -> Int { max(256, workers * 8) }
    /// Server slots: room for reloads that add servers.
    static func vhostCapacity(names: Int) -> Int { max(256, names * 4) }

    private init(descriptor: Int32, base: UnsafeMutableRawPointer, size: Int) {
        self.descriptor = descriptor
        self.base = base
        self.size = size
    }

    /// A region for `names` (the servers' primary names, in configuration order) and a pool of
    /// `workers`; nil (with errno set) when the file or the mapping failed.
    public static func create(names: [String], workers: Int) -> SharedCounters? {
        let vhosts = vhostCapacity(names: names.count), entries = workerCapacity(workers: workers)
        let size = swhost_counters_size(UInt64(vhosts), UInt64(entries))
        var template = Array("/dev/shm/swhost-counters-XXXXXX".utf8CString)
        var raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if raw < 0 {
            template = Array("/tmp/swhost-counters-XXXXXX".utf8CString)
            raw = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        }
        guard raw >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let fd = fcntl(raw, F_DUPFD_CLOEXEC, ListenSocket.minimumDescriptor)
        close(raw)
        guard fd >= 0 else { return nil }
        guard ftruncate(fd, off_t(size)) == 0,
              let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            close(fd)
            return nil
        }
        swhost_counters_init(base, UInt64(vhosts), UInt64(entries))
        let counters = SharedCounters(descriptor: fd, base: base, size: size)
        _ = counters.add(names: names)
        return counters
    }

    /// Gives each name a slot (names already there keep theirs and their counts). Returns the
    /// names left out because the region is full.
    public func add(names: [String]) -> [String] {
        names.filter { name in swhost_counters_add(base, name) < 0 }
    }

    /// A worker exited: its totals join the retired totals; its entry is free for the next.
    public func release(worker pid: pid_t) {
        swhost_counters_release_worker(base, UInt64(pid))
    }

    deinit {
        munmap(base, size)
        close(descriptor)
    }
}
