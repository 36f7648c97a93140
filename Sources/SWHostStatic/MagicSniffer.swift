// swhost: static files.

import CMagic
import NIOPosix
import SWHostCompression
import SWHostHTTPCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Content sniffing with libmagic for files whose extension is absent or unknown to the
/// ``MIMETypeMap`` (nginx would answer `default_type`; swhost looks at the bytes first).
///
/// **Blocking**: ``sniff(file:)`` does a `pread` and runs libmagic; call it on a thread pool,
/// never on an event loop (``sniff(file:on:)`` does that for you). Results are cached per file
/// identity (device, inode, mtime, size), bounded LRU, so a hot file is sniffed once per version.
///
/// A `magic_t` is not thread-safe: the sniffer owns a few handles, each behind its own lock, and
/// a caller takes the first free one (or waits for one).
///
/// Results are what a browser needs: `image/png`, `application/pdf`, `text/html; charset=utf-8`.
/// Binary types carry no charset; `us-ascii` is reported as `utf-8` (a subset, and what browsers
/// should assume); an empty file yields nil (use `default_type`).
public final class MagicSniffer: Sendable {
    /// How many bytes are read from the start of the file (libmagic's text and container checks
    /// need a few KiB; reading more costs I/O per new file).
    public let sniffLength: Int

    /// One libmagic cookie, loaded on first use; the mutex serialises its use (a `magic_t` is not
    /// thread-safe). Loading the database costs about a millisecond and a few hundred KiB per
    /// cookie, so a worker that never sniffs never pays for it.
    private final class Handle: Sendable {
        private enum Cookie {
            case unloaded
            case loaded(OpaquePointer)
            case failed(String)
        }
        // The pointer is only used inside the lock.
        private struct Slot: @unchecked Sendable { var cookie: Cookie = .unloaded }
        private let slot = Mutex(Slot())
        private let flags: Int32
        private let database: String?
        private let onLoadFailure: (@Sendable (String) -> Void)?

        init(flags: Int32, database: String?, onLoadFailure: (@Sendable (String) -> Void)?) {
            self.flags = flags
            self.database = database
            self.onLoadFailure = onLoadFailure
        }
        deinit {
            slot.withLock { if case .loaded(let m) = $0.cookie { magic_close(m) } }
        }

        /// Loads the cookie now; the error when the database cannot be loaded.
        func load() -> String? {
            slot.withLock { ensureLoaded(&$0) }
        }
        /// `body` with the cookie, or nil when the database could not be loaded.
        func withCookie(_ body: (OpaquePointer) -> String?) -> String? {
            slot.withLock { run(&$0, body) }
        }
        /// As ``withCookie(_:)``, or `.none` (outer) when another thread holds this cookie.
        func withCookieIfAvailable(_ body: (OpaquePointer) -> String?) -> String?? {
            slot.withLockIfAvailable { run(&$0, body) }
        }

        private func run(_ slot: inout Slot, _ body: (OpaquePointer) -> String?) -> String? {
            _ = ensureLoaded(&slot)
            guard case .loaded(let m) = slot.cookie else { return nil }
            return body(m)
        }

        /// Called with the lock held.
        private func ensureLoaded(_ slot: inout Slot) -> String? {
            switch slot.cookie {
            case .loaded: return nil
            case .failed(let message): return message
            case .unloaded: break
            }
            guard let m = magic_open(flags) else {
                slot.cookie = .failed("magic_open() failed")
                onLoadFailure?("magic_open() failed")
                return "magic_open() failed"
            }
            if magic_load(m, database) != 0 {
                let message = "magic_load() failed: " + (magic_error(m).map { String(cString: $0) } ?? "unknown error")
                magic_close(m)
                slot.cookie = .failed(message)
                onLoadFailure?(message)
                return message
            }
            slot.cookie = .loaded(m)
            return nil
        }
    }

    private struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
        var mtime: Int64
        var mtimeNanoseconds: Int64
        var size: Int64
    }

    private let handles: [Handle]
    private let cache: Mutex<LRUCache<Identity, String?>>
    private let cacheLimit: Int

    /// Errors from opening the magic database.
    public struct Error: Swift.Error, CustomStringConvertible {
        public let description: String
    }

    /// A sniffer with up to `handles` libmagic cookies. Each loads the default magic database
    /// (`magic_load(m, NULL)`, blocking) the first time it is used, off the event loop like every
    /// sniff; a database that cannot be loaded makes ``sniff(file:)`` answer nil (`default_type`)
    /// and is reported once per cookie through `onLoadFailure`. `database` is a compiled magic
    /// file to use instead of libmagic's default.
    public init(handles: Int = 2, cacheEntries: Int = 4096, sniffLength: Int = 4096, database: String? = nil,
                onLoadFailure: (@Sendable (String) -> Void)? = nil) {
        let flags = MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF
        self.handles = (0..<max(1, handles)).map { _ in Handle(flags: flags, database: database, onLoadFailure: onLoadFailure) }
        self.cache = Mutex(LRUCache())
        self.cacheLimit = max(1, cacheEntries)
        self.sniffLength = sniffLength
    }

    /// Loads every cookie now (blocking): for callers that want a broken magic database reported
    /// up front rather than on the first sniff.
    public func preload() throws {
        for handle in handles {
            if let message = handle.load() { throw Error(description: message) }
        }
    }

    /// The media type of `file`'s first ``sniffLength`` bytes. **Blocking** (pread + libmagic).
    public func sniff(file: OpenFile) -> String? {
        let id = Identity(device: file.device, inode: file.inode, mtime: file.mtime,
                          mtimeNanoseconds: file.mtimeNanoseconds, size: file.size)
        if let hit = cache.withLock({ $0.get(id) }) { return hit }
        let n = Int(min(Int64(sniffLength), max(file.size, 0)))
        let result: String?
        if n == 0 {
            result = nil
        } else {
            result = withUnsafeTemporaryAllocation(byteCount: n, alignment: 16) { buf -> String? in
                var got = 0
                while got < n {
                    let r = pread(file.descriptor, buf.baseAddress! + got, n - got, off_t(got))
                    if r < 0 && errno == EINTR { continue }
                    if r <= 0 { break }
                    got += r
                }
                return sniff(bytes: UnsafeRawBufferPointer(rebasing: buf[0..<got]))
            }
        }
        cache.withLock {
            $0.set(id, result)
            while $0.count > cacheLimit { _ = $0.removeLeastRecent() }
        }
        return result
    }

    /// The cached verdict for `file`'s version: `.some(type)` (nil type: nothing recognised) when
    /// known, nil when ``sniff(file:)`` would have to read the file. Never blocks on I/O.
    public func cachedResult(for file: OpenFile) -> String?? {
        let id = Identity(device: file.device, inode: file.inode, mtime: file.mtime,
                          mtimeNanoseconds: file.mtimeNanoseconds, size: file.size)
        return cache.withLock { $0.get(id) }
    }

    /// Runs ``sniff(file:)`` on `pool`.
    public func sniff(file: OpenFile, on pool: NIOThreadPool) async throws -> String? {
        try await pool.runIfActive { self.sniff(file: file) }
    }

    /// The media type of an in-memory prefix. CPU-bound (libmagic); not cached.
    public func sniff(bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count > 0 else { return nil }
        let raw: String? = withHandle { m in
            guard let p = magic_buffer(m, bytes.baseAddress, bytes.count) else { return nil }
            return String(cString: p)
        }
        guard let raw else { return nil }
        return Self.browserType(fromMagic: raw)
    }

    /// Number of cached results.
    public var cachedCount: Int { cache.withLock { $0.count } }

    private func withHandle(_ body: (OpaquePointer) -> String?) -> String? {
        for h in handles {
            if let r = h.withCookieIfAvailable(body) { return r }
        }
        // All busy: wait on one, spread by thread so waiters do not pile on the first.
        let i = Int(swhostThreadHash()) % handles.count
        return handles[i].withCookie(body)
    }

    /// Turns libmagic's `type; charset=x` into what a browser should get.
    static func browserType(fromMagic raw: String) -> String? {
        var type = Substring(raw)
        var charset: Substring?
        if let semi = raw.firstIndex(of: ";") {
            type = raw[..<semi]
            let rest = raw[raw.index(after: semi)...].drop(while: { $0 == " " })
            if rest.hasPrefix("charset=") { charset = rest.dropFirst("charset=".count) }
        }
        switch type {
        case "", "application/x-empty", "inode/x-empty": return nil
        default: break
        }
        guard let cs = charset, cs != "binary", cs != "unknown-8bit" else { return String(type) }
        if !type.hasPrefix("text/") && type != "application/json" && type != "image/svg+xml" && type != "application/javascript" {
            return String(type)
        }
        let normalized = cs == "us-ascii" ? "utf-8" : cs
        return "\(type); charset=\(normalized)"
    }
}

private func swhostThreadHash() -> UInt {
    UInt(bitPattern: Int(pthread_self()))
}
