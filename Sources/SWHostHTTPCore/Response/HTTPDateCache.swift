// swhost: HTTP transport.

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) without Foundation, cached per
/// second per thread: formatting costs ~13k instructions with `DateFormatter` (shared/bench).
///
/// `@unchecked Sendable`: each instance lives in one thread's `ThreadSpecificVariable` and is only
/// touched by that thread.
final class HTTPDateCache: @unchecked Sendable {
    private var second: Int = -1
    private var bytes = [UInt8](repeating: 0, count: 29)

    private static let perThread = ThreadSpecificVariable<HTTPDateCache>()

    /// The cache of the calling thread.
    static var current: HTTPDateCache {
        if let c = perThread.currentValue { return c }
        let c = HTTPDateCache()
        perThread.currentValue = c
        return c
    }

    /// Writes `Date: <now>\r\n`.
    func writeDateField(into buffer: inout ByteBuffer) {
        let now = time(nil)
        if now != second {
            second = now
            bytes = Array(HTTPDate.format(Int64(now)).utf8)
        }
        buffer.writeStaticString("Date: ")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }
}

