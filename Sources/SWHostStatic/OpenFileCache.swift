// swhost: static files.

import NIOPosix
import SWHostCompression
import SWHostHTTPCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// nginx's `open_file_cache` for static files: open descriptors and their metadata (and, with
/// `cacheErrors`, negative results) per (root, path, symlink policy), bounded LRU by entry count.
///
/// **Defaults differ from nginx on purpose.** nginx ships `open_file_cache off`; with it on,
/// `open_file_cache_valid` defaults to 60 s, so a file changed on disk keeps its old size, mtime
/// and ETag for up to a minute. swhost caches by default (the open + fstat per request is most of
/// a small-file request's cost) and revalidates after `valid` = 1 s: a changed file is seen — new
/// identity, new ETag, new length — on the first request after that window, which is what people
/// editing a site expect. Revalidation re-resolves the path (one `openat2` + `fstat`) and keeps
/// the cached descriptor when the identity (device, inode, size, mtime) is unchanged.
///
/// Descriptors are shared: an evicted entry's `OpenFile` closes only when the last response
/// sending it lets go (reference counting), so eviction never breaks an in-flight `sendfile`.
///
/// **Blocking**: ``open(root:path:symlinks:)`` may call the resolver (openat2/fstat); run it on
/// a thread pool. Hits take a lock and no syscall besides the clock.
public final class OpenFileCache: Sendable {
    /// Tuning, with nginx's directive names.
    public struct Configuration: Sendable, Hashable {
        /// `open_file_cache max=N`: entries kept (LRU beyond). Default 1000.
        public var maxEntries: Int
        /// `open_file_cache inactive=T`: entries unused this long are dropped. Default 60 s.
        public var inactiveSeconds: Int64
        /// `open_file_cache_valid`: seconds before an entry is revalidated. Default 1 (nginx: 60).
        public var validSeconds: Int64
        /// `open_file_cache_errors`: cache not-found / forbidden results too. Default off.
        public var cacheErrors: Bool

        public init(maxEntries: Int = 1000, inactiveSeconds: Int64 = 60, validSeconds: Int64 = 1, cacheErrors: Bool = false) {
            self.maxEntries = maxEntries
            self.inactiveSeconds = inactiveSeconds
            self.validSeconds = validSeconds
            self.cacheErrors = cacheErrors
        }
    }

    private struct Key: Hashable {
        var root: String
        var path: String
        var symlinks: SymlinkPolicy
    }

    private struct Entry {
        var result: PathResolution
        var validatedAt: Int64
        var lastUsed: Int64
    }

    public let configuration: Configuration
    public let resolver: PathResolver
    private let entries = Mutex<LRUCache<Key, Entry>>(LRUCache())
    private let clock: @Sendable () -> Int64

    /// - Parameters:
    ///   - clock: monotonic nanoseconds (tests inject a fake one).
    public init(resolver: PathResolver = PathResolver(), configuration: Configuration = Configuration(),
                clock: @escaping @Sendable () -> Int64 = monotonicNanoseconds) {
        self.resolver = resolver
        self.configuration = configuration
        self.clock = clock
    }

    /// Number of cached entries.
    public var count: Int { entries.withLock { $0.count } }

    /// The cached result for (root, path), opening or revalidating it when needed. **Blocking**
    /// on a miss or revalidation.
    public func open(root: String, path: String, symlinks: SymlinkPolicy = .off) -> PathResolution {
        let key = Key(root: root, path: path, symlinks: symlinks)
        let now = clock()
        let valid = configuration.validSeconds * 1_000_000_000
        let inactive = configuration.inactiveSeconds * 1_000_000_000
        let cached: Entry? = entries.withLock { lru in
            let found = lru.modify(key) { (e: inout Entry) -> Entry? in
                if now - e.lastUsed >= inactive { return nil }
                e.lastUsed = now
                return e
            }
            guard let found else { return nil }
            // Present but unused for `inactive`: dropped, as nginx's open_file_cache does.
            if found == nil { lru.removeValue(forKey: key) }
            return found
        }
        if let cached, now - cached.validatedAt < valid {
            return cached.result
        }
        let fresh = resolver.resolve(root: root, path: path, symlinks: symlinks)
        var result = fresh
        if let cached, Self.sameIdentity(cached.result, fresh) {
            // Unchanged: keep the descriptor responses already hold; `fresh` closes on release.
            result = cached.result
        }
        let cacheable: Bool
        switch result {
        case .file, .directory: cacheable = true
        case .notFound, .forbidden, .escaped: cacheable = configuration.cacheErrors
        case .invalidPath, .error: cacheable = false
        }
        entries.withLock { lru in
            if cacheable {
                lru.set(key, Entry(result: result, validatedAt: now, lastUsed: now))
                while lru.count > max(configuration.maxEntries, 1) { _ = lru.removeLeastRecent() }
            } else {
                lru.removeValue(forKey: key)
            }
        }
        return result
    }

    /// Runs ``open(root:path:symlinks:)`` on `pool`.
    public func open(root: String, path: String, symlinks: SymlinkPolicy = .off, on pool: NIOThreadPool) async throws -> PathResolution {
        try await pool.runIfActive { self.open(root: root, path: path, symlinks: symlinks) }
    }

    /// Drops every entry (descriptors close once no response holds them).
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    private static func sameIdentity(_ a: PathResolution, _ b: PathResolution) -> Bool {
        switch (a, b) {
        case (.file(let x), .file(let y)), (.directory(let x), .directory(let y)):
            return x.device == y.device && x.inode == y.inode && x.size == y.size
                && x.mtime == y.mtime && x.mtimeNanoseconds == y.mtimeNanoseconds
        case (.notFound, .notFound), (.forbidden, .forbidden), (.escaped, .escaped):
            return true
        default:
            return false
        }
    }
}

/// Monotonic clock in nanoseconds.
@Sendable public func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}
