// swhost: static files.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SWHostCompression
import SWHostHTTPCore
import Synchronization

/// The bytes of small files, keyed by file version (device, inode, size, mtime), so a hot small
/// file goes out as one write of header and body: no `sendfile`, and no `TCP_CORK` pair around
/// it. Measured on the 1 KiB bench file, cork + sendfile were ~15% of the server's CPU per
/// request (shared/bench found the same: caching small bodies is worth 2-3x).
///
/// A changed file has a new version, so it is read anew; the old bytes age out of the LRU.
/// Memory is bounded by `capacityBytes` (default 8 MiB) and only files up to `maxFileSize`
/// (default 16 KiB) are kept.
public final class SmallFileCache: Sendable {
    struct Key: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var mtime: Int64
        var mtimeNanoseconds: Int64
    }

    public let maxFileSize: Int64
    public let capacityBytes: Int
    private let state = Mutex(LRUCache<Key, ByteBuffer>())

    public init(maxFileSize: Int64 = 16 * 1024, capacityBytes: Int = 8 * 1024 * 1024) {
        self.maxFileSize = maxFileSize
        self.capacityBytes = capacityBytes
    }

    /// The file's bytes when it is small enough, reading them on a miss. **Blocking on a miss**
    /// (one `pread` of at most `maxFileSize` bytes). Nil for larger files or when the read comes
    /// up short (the file changed under us: the caller sends the file region instead).
    public func bytes(of file: OpenFile) -> ByteBuffer? {
        guard file.size <= maxFileSize else { return nil }
        let key = Key(device: file.device, inode: file.inode, size: file.size, mtime: file.mtime, mtimeNanoseconds: file.mtimeNanoseconds)
        if let hit = state.withLock({ $0.get(key) }) { return hit }
        let size = Int(file.size)
        var buffer = ByteBuffer()
        guard size > 0 else { return buffer }
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            let n = pread(file.descriptor, raw.baseAddress, size, 0)
            return n > 0 ? n : 0
        }
        guard read == size else { return nil }
        state.withLock { cache in
            cache.set(key, buffer, cost: size)
            while cache.totalCost > capacityBytes, cache.removeLeastRecent() != nil {}
        }
        return buffer
    }

    /// Entries held (for tests).
    public var count: Int { state.withLock { $0.count } }
}
