// swhost: compression.

import NIOCore
import Synchronization

/// Compressed bodies of static files, kept so a hot file is deflated once per version and
/// level instead of on every request (nginx compresses on the fly each time).
///
/// Keyed by file identity (device, inode, size, mtime with nanoseconds) and level: a changed
/// file has a new key, so stale variants are never served and simply age out. Bounded by total
/// compressed bytes, LRU. The default budget is 16 MiB per worker: a typical site's text
/// assets (HTML, CSS, JS, SVG, JSON), compressed 3-10x, fit many times over, while the cost in
/// a worker process stays small next to NIO's own buffers. Bodies larger than
/// `maxEntryBytes` (default a quarter of the budget) are not cached: one huge file must not
/// flush every small hot one; those are compressed on the fly with ``GzipStream``.
///
/// Thread-safe (`Sendable`, one lock). ``variant(for:compress:)`` runs `compress` (blocking,
/// CPU) outside the lock on a miss: call it on a thread pool.
public final class GzipVariantCache: Sendable {
    /// What identifies one compressed body.
    public struct Key: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
        public var size: Int64
        public var mtime: Int64
        public var mtimeNanoseconds: Int64
        public var level: Int

        public init(device: UInt64, inode: UInt64, size: Int64, mtime: Int64, mtimeNanoseconds: Int64 = 0, level: Int) {
            self.device = device
            self.inode = inode
            self.size = size
            self.mtime = mtime
            self.mtimeNanoseconds = mtimeNanoseconds
            self.level = level
        }
    }

    /// Budget for all cached bodies, in bytes.
    public let capacityBytes: Int
    /// Largest body that is cached.
    public let maxEntryBytes: Int

    private struct State {
        var lru = LRUCache<Key, ByteBuffer>()
        var hits = 0
        var misses = 0
    }
    private let state = Mutex(State())

    public init(capacityBytes: Int = 16 * 1024 * 1024, maxEntryBytes: Int? = nil) {
        self.capacityBytes = max(0, capacityBytes)
        self.maxEntryBytes = maxEntryBytes ?? self.capacityBytes / 4
    }

    /// The cached body, if any (marks it recently used).
    public func get(_ key: Key) -> ByteBuffer? {
        state.withLock { s in
            let v = s.lru.get(key)
            if v == nil { s.misses += 1 } else { s.hits += 1 }
            return v
        }
    }

    /// Stores a body (ignored when larger than ``maxEntryBytes``), evicting least recently used
    /// bodies until the total fits ``capacityBytes``.
    public func insert(_ key: Key, _ body: ByteBuffer) {
        let cost = body.readableBytes
        guard cost <= maxEntryBytes, cost <= capacityBytes else { return }
        state.withLock { s in
            s.lru.set(key, body, cost: cost)
            while s.lru.totalCost > capacityBytes, s.lru.removeLeastRecent() != nil {}
        }
    }

    /// The cached body for `key`, or `compress()`'s result (then cached). Concurrent misses on
    /// the same key may both compress; the result is identical and the last insert wins.
    public func variant(for key: Key, compress: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let hit = get(key) { return hit }
        let body = try compress()
        insert(key, body)
        return body
    }

    /// Total cached bytes.
    public var totalBytes: Int { state.withLock { $0.lru.totalCost } }
    /// Number of cached bodies.
    public var count: Int { state.withLock { $0.lru.count } }
    /// Hit and miss counters since creation (for the status endpoint and tests).
    public var statistics: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    public func removeAll() {
        state.withLock { $0.lru.removeAll() }
    }
}
