// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem
import SWHostConfig
import SWHostHTTPCore
import SWHostKit
import Synchronization

/// The `status` handler's counters as this process sees them: per virtual server (requests by
/// status class, bytes sent) and the whole server's stub_status connection counters.
///
/// A worker maps the region its master shares (`attach(descriptor:)`, layout in `CSWHostSystem`
/// `swhost_counters_*`), so every worker adds into the same per-server slots and the page shows
/// the whole server's numbers, as nginx's stub_status zone does. A process without a master
/// (`master_process off`) counts in private memory of the same layout.
///
/// Per request (`record`, called where the access log is written): one load of the slot cached
/// on the `ServerConfig` (the name is matched once per server object, not per request) and
/// three relaxed atomic adds. A worker's connection counters (accepts, handled, requests,
/// reading, writing, waiting) are published into its own entry every 100 ms (`publish`); the
/// page adds the other workers' published values to this worker's live ones.
public final class VirtualHostCounters: Sendable {
    /// The process-wide counters.
    public static let shared = VirtualHostCounters()

    /// The mapped region. `@unchecked Sendable`: the pointers are to memory that lives as long
    /// as the process (never unmapped) and is only touched with atomic operations.
    private struct Region: @unchecked Sendable {
        let base: UnsafeMutableRawPointer
        /// May append server names (a private region; a master's region is named by the master).
        let owner: Bool
        /// This worker's entry for its connection counters, nil in a private region.
        let worker: UnsafeMutablePointer<swhost_worker_counters>?
    }

    /// A server's slot. `@unchecked Sendable`: see `Region`.

    private let region = Mutex<Region?>(nil)
    /// This process's connection counters, for the last publication at exit.
    private let live = Mutex<ConnectionCounters?>(nil)

    init() {}

    /// Maps the master's region from an inherited descriptor and claims this worker's entry.
    /// Returns false (the process then counts privately) when the descriptor is not a region.
    @discardableResult
    public func attach(descriptor fd: Int32) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return false }
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else { return false }
        close(fd)
        guard swhost_counters_valid(base, size) != 0 else {
            munmap(base, size)
            return false
        }
        let entry = swhost_counters_claim_worker(base, UInt64(getpid()))
        let worker = entry >= 0 ? swhost_counters_worker(base, UInt64(entry)) : nil
        region.withLock { $0 = Region(base: base, owner: false, worker: worker) }
        // The last requests before a graceful exit count too: the master folds the entry into
        // the retired totals after it reaps this process.
        atexit {
            guard let counters = VirtualHostCounters.shared.live.withLock({ $0 }) else { return }
            VirtualHostCounters.shared.publish(counters)
        }
        return true
    }

    /// Makes `status` read these counters: the whole server's connection counters (`live` for
    /// this process) and the per-server ones. A process without an attached region gets a
    /// private one first.
    public func install(into status: ServerStatus, live: ConnectionCounters) {
        region.withLock { current in
            guard current == nil else { return }
            let vhosts: UInt64 = 4096
            let size = swhost_counters_size(vhosts, 0)
            guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED else { return }
            swhost_counters_init(base, vhosts, 0)
            current = Region(base: base, owner: true, worker: nil)
        }
        self.live.withLock { $0 = live }
        status.setConnectionSource { [self] in connections(live: live.snapshot) }
        status.setVirtualHostSource { [self] in virtualHosts() }
    }

    /// Copies this worker's connection counters into its entry (a timer calls this).
    public func publish(_ live: ConnectionCounters) {
        guard let worker = region.withLock({ $0?.worker }) else { return }
        let s = live.snapshot
        swhost_counters_publish(worker, UInt64(s.accepts), UInt64(s.handled), UInt64(s.requests),
                                UInt64(s.reading), UInt64(s.writing), UInt64(s.waiting))
    }

    /// One finished response (the access log phase): its server's slot gets the request, its
    /// status class and the bytes sent.
    func record(_ state: RequestState) {
        guard let slot = slot(for: state.server) else { return }
        let status = state.completion?.status ?? state.sentStatus
        let bytes = state.completion.map { $0.headerBytes + $0.bodyBytes } ?? 0
        swhost_vhost_record(slot, UInt32(clamping: status), UInt64(clamping: bytes))
    }

    /// The server's slot, resolved by name on its first request and cached by identity (the
    /// entry holds the server weakly, so an identifier reused after a reload is re-resolved).
    private func slot(for server: ServerConfig) -> UnsafeMutablePointer<swhost_vhost_counters>? {
        switch server.countersSlot.load(ordering: .relaxed) {
        case 0: break
        case 1: return nil
        case let address: return UnsafeMutablePointer(bitPattern: address)
        }
        guard let region = region.withLock({ $0 }) else { return nil }
        let name = server.primaryName
        let index = region.owner ? swhost_counters_add(region.base, name) : swhost_counters_find(region.base, name)
        let counters = index >= 0 ? swhost_counters_vhost(region.base, UInt64(index)) : nil
        // Resolved once per server object: the region outlives every generation's servers.
        server.countersSlot.store(counters.map { UInt(bitPattern: $0) } ?? 1, ordering: .relaxed)
        return counters
    }

    func connections(live s: ConnectionCounters.Snapshot) -> ServerStatus.Connections {
        var total = ServerStatus.Connections(active: s.active, accepts: s.accepts, handled: s.handled, requests: s.requests,
                                             reading: s.reading, writing: s.writing, waiting: s.waiting)
        guard let region = region.withLock({ $0 }), region.worker != nil else { return total }
        let header = swhost_counters_header_of(region.base)!
        total.accepts += Int(swhost_counter_load(&header.pointee.retired_accepts))
        total.handled += Int(swhost_counter_load(&header.pointee.retired_handled))
        total.requests += Int(swhost_counter_load(&header.pointee.retired_requests))
        for index in 0..<header.pointee.worker_capacity {
            let entry = swhost_counters_worker(region.base, index)!
            guard entry != region.worker, swhost_counter_load(&entry.pointee.pid) != 0 else { continue }
            total.accepts += Int(swhost_counter_load(&entry.pointee.accepts))
            total.handled += Int(swhost_counter_load(&entry.pointee.handled))
            total.requests += Int(swhost_counter_load(&entry.pointee.requests))
            total.reading += Int(swhost_counter_load(&entry.pointee.reading))
            total.writing += Int(swhost_counter_load(&entry.pointee.writing))
            total.waiting += Int(swhost_counter_load(&entry.pointee.waiting))
        }
        total.active = total.reading + total.writing + total.waiting
        return total
    }

    /// Every named server's counters, in the order the names were added.
    func virtualHosts() -> [ServerStatus.VirtualHost] {
        guard let region = region.withLock({ $0 }) else { return [] }
        let header = swhost_counters_header_of(region.base)!
        let count = swhost_counter_load(&header.pointee.vhost_count)
        var hosts: [ServerStatus.VirtualHost] = []
        for index in 0..<count {
            let v = swhost_counters_vhost(region.base, index)!
            let name = withUnsafeBytes(of: &v.pointee.name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            hosts.append(ServerStatus.VirtualHost(
                name: name, requests: Int(swhost_counter_load(&v.pointee.requests)),
                statusClasses: [
                    Int(swhost_counter_load(&v.pointee.status_1xx)), Int(swhost_counter_load(&v.pointee.status_2xx)),
                    Int(swhost_counter_load(&v.pointee.status_3xx)), Int(swhost_counter_load(&v.pointee.status_4xx)),
                    Int(swhost_counter_load(&v.pointee.status_5xx)),
                ],
                bytesOut: Int(swhost_counter_load(&v.pointee.bytes_out))
            ))
        }
        return hosts
    }
}
