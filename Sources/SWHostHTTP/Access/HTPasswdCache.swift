// swhost: SWHostHTTP, access phase.

import Glibc
import SWHostConfig
import Synchronization

/// Parsed password files keyed by path and revalidated by `stat(2)`: a file is re-read when its
/// modification time, size or inode changed (an edit or an atomic replace), so a change takes
/// effect on the next request as in nginx, which reads the file every time.
///
/// `file(path:)` calls `stat` (and `read` on a change): call it off the event loop.
public final class HTPasswdCache: Sendable {
    private struct Stamp: Hashable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int
        var inode: UInt
    }

    private struct Entry {
        var stamp: Stamp
        var file: HTPasswd
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// A process-wide cache.
    public static let shared = HTPasswdCache()

    /// The parsed file at `path`, from the cache when unchanged on disk.
    public func file(path: String) throws(FileOpenError) -> HTPasswd {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let error = FileOpenError(path: path, errno: errno)
            entries.withLock { _ = $0.removeValue(forKey: path) }
            throw error
        }
        let stamp = Stamp(
            seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec), size: Int(st.st_size), inode: UInt(st.st_ino))
        if let cached = entries.withLock({ $0[path] }), cached.stamp == stamp {
            return cached.file
        }
        let parsed = try HTPasswd.load(path: path)
        entries.withLock { $0[path] = Entry(stamp: stamp, file: parsed) }
        return parsed
    }

    /// Number of cached files (tests).
    public var count: Int { entries.withLock { $0.count } }
}
