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

    /// One libmagic cookie; the mutex serialises its use (a `magic_t` is not thread-safe).
    // @unchecked Sendable: `cookie` is only touched inside `lock` (and in deinit, when no other
    // reference exists).
    private final class Handle: @unchecked Sendable {
        private let cookie: OpaquePointer
        private let lock = Mutex<Void>(())
        init(_ m: OpaquePointer) { cookie = m }
        deinit { magic_close(cookie) }
        func withCookie<T>(_ body: (OpaquePointer) -> T) -> T {
            lock.withLock { _ in body(cookie) }
        }
        func withCookieIfAvailable<T>(_ body: (OpaquePointer) -> T) -> T? {
            lock.withLockIfAvailable { _ in body(cookie) }
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

    /// Loads the default magic database (`magic_load(m, NULL)`) into `handles` cookies.
    /// Blocking (reads the database); do it at startup.
    public init(handles: Int = 2, cacheEntries: Int = 4096, sniffLength: Int = 4096) throws {
        var hs: [Handle] = []
        let flags = MAGIC_MIME_TYPE | MAGIC_MIME_ENCODING | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF
        for _ in 0..<max(1, handles) {
            guard let m = magic_open(flags) else {
                throw Error(description: "magic_open() failed")
            }
            if magic_load(m, nil) != 0 {
                let msg = magic_error(m).map { String(cString: $0) } ?? "unknown error"
                magic_close(m)
                throw Error(description: "magic_load() failed: \(msg)")
            }
            hs.append(Handle(m))
        }
        self.handles = hs
        self.cache = Mutex(LRUCache())
        self.cacheLimit = max(1, cacheEntries)
        self.sniffLength = sniffLength
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

    private func withHandle<T>(_ body: (OpaquePointer) -> T) -> T {
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
