// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif

/// `worker_timeout`: each worker's event loop stamps the monotonic clock (system-wide, so the
/// master can compare) into a small unlinked file shared with the master; a worker whose stamp
/// is older than the timeout has a stuck event loop and is killed and replaced.
public enum Heartbeat {
    /// A fresh heartbeat file (stamp 0: not started), close-on-exec, at a descriptor >= 64.
    public static func create() -> Int32? {
        ConfigSnapshot.anonymousFile([UInt8](repeating: 0, count: 8))
    }

    /// Writes the current monotonic time (milliseconds) into the file.
    public static func beat(_ fd: Int32) {
        var stamp = nowMilliseconds()
        _ = pwrite(fd, &stamp, 8, 0)
    }

    /// The last stamp, 0 when the worker has not beaten yet.
    public static func last(_ fd: Int32) -> Int64 {
        var stamp: Int64 = 0
        return pread(fd, &stamp, 8, 0) == 8 ? stamp : 0
    }

    public static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
