// swhost: gateways.

import SWHostConfig
import SWHostGateway
import Synchronization

/// The order in which one request tries an `upstream` block's servers: nginx's weighted round
/// robin picks the first primary server; the other primary servers follow (tried when a
/// connection cannot be made), then the backup servers. One cursor per upstream and worker.
final class UpstreamBalancer: Sendable {
    private final class Entry: Sendable {
        /// Primary servers repeated by weight, in config order: the round-robin ring.
        let ring: [FastCGIAddress]
        /// Each primary server once, in config order (the failover order after the pick).
        let primaries: [FastCGIAddress]
        let backups: [FastCGIAddress]
        let cursor = Atomic<Int>(0)

        init(_ upstream: Upstream) {
            let live = upstream.servers.filter { !$0.down }
            let primary = live.filter { !$0.backup }
            primaries = primary.map { Self.address($0.address) }
            ring = primary.flatMap { Array(repeating: Self.address($0.address), count: $0.weight) }
            backups = live.filter(\.backup).map { Self.address($0.address) }
        }

        static func address(_ upstream: FastCGIUpstream) -> FastCGIAddress {
            switch upstream {
            case .inet(let host, let port): .inet(host: host, port: port)
            case .unix(let path): .unix(path: path)
            case .app(let name): .unix(path: name)  // not produced for upstream servers
            }
        }
    }

    private let entries: [String: Entry]

    init(_ upstreams: [String: Upstream]) {
        entries = upstreams.mapValues(Entry.init)
    }

    /// The servers of upstream `name` in the order this request tries them; nil when there is
    /// no such upstream, empty when every server is `down`.
    func candidates(_ name: String) -> [FastCGIAddress]? {
        guard let entry = entries[name] else { return nil }
        guard !entry.ring.isEmpty else { return entry.backups }
        let picked = entry.ring[entry.cursor.wrappingAdd(1, ordering: .relaxed).oldValue % entry.ring.count]
        var order = [picked]
        order.reserveCapacity(entry.primaries.count + entry.backups.count)
        if let start = entry.primaries.firstIndex(of: picked) {
            for i in 1..<max(entry.primaries.count, 1) {
                order.append(entry.primaries[(start + i) % entry.primaries.count])
            }
        }
        return order + entry.backups
    }
}
