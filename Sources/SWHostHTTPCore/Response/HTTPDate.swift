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
            bytes = HTTPDate.format(secondsSinceEpoch: Int64(now))
        }
        buffer.writeStaticString("Date: ")
        buffer.writeBytes(bytes)
        buffer.writeStaticString("\r\n")
    }
}

/// Formatting of HTTP dates (also used by the HTTP layer for `Last-Modified` and `Expires`).
public enum HTTPDate {
    private static let days: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` as 29 ASCII bytes.
    public static func format(secondsSinceEpoch: Int64) -> [UInt8] {
        var t = time_t(secondsSinceEpoch)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        var out = [UInt8]()
        out.reserveCapacity(29)
        func two(_ v: Int32) {
            out.append(UInt8(48 + v / 10))
            out.append(UInt8(48 + v % 10))
        }
        func text(_ s: StaticString) {
            s.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        text(days[Int(tm.tm_wday)])
        text(", ")
        two(tm.tm_mday)
        out.append(32)
        text(months[Int(tm.tm_mon)])
        out.append(32)
        let year = tm.tm_year + 1900
        two(year / 100)
        two(year % 100)
        out.append(32)
        two(tm.tm_hour)
        out.append(58)
        two(tm.tm_min)
        out.append(58)
        two(tm.tm_sec)
        text(" GMT")
        return out
    }

    /// The same, as a string.
    public static func string(secondsSinceEpoch: Int64) -> String {
        String(decoding: format(secondsSinceEpoch: secondsSinceEpoch), as: UTF8.self)
    }
}
