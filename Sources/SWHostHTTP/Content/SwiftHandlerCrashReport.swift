// swhost: Swift handlers.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem
import SWHostConfig
import SWHostLog

/// The worker's last words when a Swift handler traps (`fatalError`, an index out of range, a
/// force-unwrapped nil): which handler invocations were running, and for which requests.
///
/// Every invocation occupies a slot of a fixed registry in C (`swhost_crash_*`) from its start
/// to its end; the slot holds the error-log line's text already formatted, copied byte by byte
/// into preallocated memory (no allocation per request). On a fatal signal an async-signal-safe
/// handler writes one `[alert]` line per occupied slot to the error log files (with `write(2)`
/// only) and re-raises the signal, so the master still reports `worker process N exited on
/// signal 4` and replaces the worker:
/// ```
/// 2026/11/22 04:17:10 [alert] 1234#1240: *5 swift_handler "crash" terminated the worker process on signal 4 (SIGILL), client: 127.0.0.1, server: localhost, request: "GET /crash HTTP/1.1", host: "localhost:8080"
/// ```
/// The signal arrives on whichever thread trapped, and tasks hop threads, so the report names
/// every invocation in flight in the worker, not only the one that trapped.
public enum SwiftHandlerCrashReport {
    /// Installs the fatal-signal handler writing to `errorLog`'s targets that take `[alert]`
    /// (files by path, reopened at crash time, so log rotation is followed; standard error by fd).
    /// Call once, early in a worker. Returns false when `sigaction` failed.
    @discardableResult
    public static func install(errorLog: ErrorLog) -> Bool {
        let targets = errorLog.targets.filter { ConfigDiagnostic.Level.alert >= $0.level }
        let paths = targets.compactMap(\.file.path)
        let toStderr = targets.contains { $0.file.path == nil }
        let offset = LogTime.now().utcOffset
        var cPaths: [UnsafePointer<CChar>?] = paths.map { UnsafePointer(strdup($0)) }
        defer { for p in cPaths { free(UnsafeMutablePointer(mutating: p)) } }
        let rc = cPaths.withUnsafeMutableBufferPointer { buffer in
            swhost_crash_install(buffer.baseAddress, Int32(paths.count), toStderr ? 1 : 0, offset)
        }
        return rc == 0
    }

    /// Registers an invocation of `name` for `state`'s request; -1 when there is no registry
    /// (not installed) or no free slot (then a crash goes unexplained, but still isolated).
    static func begin(_ state: RequestState, name: String) -> Int32 {
        let slot = swhost_crash_begin()
        guard slot >= 0 else { return slot }
        var text = Text(base: swhost_crash_buffer(slot))
        let request = state.request
        text.append("*")
        text.append(request.connection.connectionID)
        text.append(" swift_handler \"")
        text.append(name)
        text.append("\"")
        let head = text.count
        text.append(", client: ")
        text.append(request.connection.remoteAddress)
        text.append(", server: ")
        text.append(state.server.primaryName)
        text.append(", request: \"")
        text.append(request.method.rawValue)
        text.append(" ")
        text.append(request.target)
        text.append(" HTTP/")
        text.append(UInt64(request.version.major))
        text.append(".")
        text.append(UInt64(request.version.minor))
        text.append("\"")
        if let host = request.headers.first("host") {
            text.append(", host: \"")
            text.append(host)
            text.append("\"")
        }
        swhost_crash_publish(slot, Int32(head), Int32(text.count))
        return slot
    }

    /// The invocation of `slot` (from `begin`) has ended.
    static func end(_ slot: Int32) {
        if slot >= 0 { swhost_crash_end(slot) }
    }

    /// Appends into a slot's buffer, truncating at `SWHOST_CRASH_TEXT_MAX`.
    private struct Text {
        let base: UnsafeMutablePointer<CChar>
        var count = 0

        init(base: UnsafeMutablePointer<CChar>) {
            self.base = base
        }

        mutating func append(_ string: String) {
            // Native strings are contiguous UTF-8: one bounded copy (the per-byte UTF8View walk
            // showed in profiles of the hello benchmark).
            let copied: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in append(bytes) }
            if copied == nil {
                for byte in string.utf8 { append(CollectionOfOne(byte)) }
            }
        }

        private mutating func append(_ bytes: some Collection<UInt8>) {
            for byte in bytes {
                guard count < Int(SWHOST_CRASH_TEXT_MAX) else { return }
                // Control bytes would split the log line.
                base[count] = CChar(bitPattern: byte < 0x20 ? UInt8(ascii: "?") : byte)
                count += 1
            }
        }

        mutating func append(_ value: UInt64) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = 0
            var v = value
            withUnsafeMutableBytes(of: &digits) { buffer in
                repeat {
                    buffer[n] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    n += 1
                } while v > 0
                while n > 0, count < Int(SWHOST_CRASH_TEXT_MAX) {
                    n -= 1
                    base[count] = CChar(bitPattern: buffer[n])
                    count += 1
                }
            }
        }
    }
}
