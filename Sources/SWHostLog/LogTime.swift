// swhost: SWHostLog.

import Glibc
import Synchronization

/// The time strings logs need, formatted once per second (nginx's `ngx_cached_*_time`).
public struct LogTimestamp: Sendable, Hashable {
    /// Seconds since the Unix epoch.
    public let seconds: Int
    /// Milliseconds within the second (not part of the per-second cache key).
    public let milliseconds: Int
    /// Offset of local time from UTC, in seconds.
    public let utcOffset: Int
    /// `2026/11/22 01:25:47`, the error log's time (local time).
    public let errorLog: String
    /// `22/Nov/2026:01:25:47 +0000`, `$time_local`.
    public let timeLocal: String
    /// `2026-11-22T01:25:47+00:00`, `$time_iso8601`.
    public let iso8601: String

    /// `1763774747.123`, `$msec`: seconds with milliseconds.
    public var msec: String {
        var s = String(seconds)
        s.append(".")
        appendPadded(&s, milliseconds, width: 3)
        return s
    }

    /// Formats `seconds` as local time with the given UTC offset (the offset is applied, not looked up).
    public init(seconds: Int, milliseconds: Int = 0, utcOffset: Int) {
        self.seconds = seconds
        self.milliseconds = milliseconds
        self.utcOffset = utcOffset
        var t = time_t(seconds + utcOffset)
        var tm = tm()
        gmtime_r(&t, &tm)
        let year = Int(tm.tm_year) + 1900, month = Int(tm.tm_mon) + 1, day = Int(tm.tm_mday)
        let hour = Int(tm.tm_hour), minute = Int(tm.tm_min), second = Int(tm.tm_sec)

        var e = ""
        e.reserveCapacity(19)
        appendPadded(&e, year, width: 4); e.append("/")
        appendPadded(&e, month, width: 2); e.append("/")
        appendPadded(&e, day, width: 2); e.append(" ")
        appendClock(&e, hour, minute, second)
        errorLog = e

        var l = ""
        l.reserveCapacity(26)
        appendPadded(&l, day, width: 2); l.append("/")
        l.append(monthNames[month - 1]); l.append("/")
        appendPadded(&l, year, width: 4); l.append(":")
        appendClock(&l, hour, minute, second); l.append(" ")
        appendOffset(&l, utcOffset, colon: false)
        timeLocal = l

        var i = ""
        i.reserveCapacity(25)
        appendPadded(&i, year, width: 4); i.append("-")
        appendPadded(&i, month, width: 2); i.append("-")
        appendPadded(&i, day, width: 2); i.append("T")
        appendClock(&i, hour, minute, second)
        appendOffset(&i, utcOffset, colon: true)
        iso8601 = i
    }

    /// The same second with other milliseconds (shares the formatted strings).
    func with(milliseconds: Int) -> LogTimestamp {
        LogTimestamp(copying: self, milliseconds: milliseconds)
    }

    private init(copying other: LogTimestamp, milliseconds: Int) {
        seconds = other.seconds
        self.milliseconds = milliseconds
        utcOffset = other.utcOffset
        errorLog = other.errorLog
        timeLocal = other.timeLocal
        iso8601 = other.iso8601
    }
}

/// The current time for logs, cached per second and shared by all threads.
public enum LogTime {
    private static let cache = Mutex<LogTimestamp?>(nil)

    /// Now, in local time; the strings are rebuilt at most once per second.
    public static func now() -> LogTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let seconds = Int(ts.tv_sec)
        let millis = Int(ts.tv_nsec) / 1_000_000
        if let cached = cache.withLock({ $0 }), cached.seconds == seconds {
            return cached.with(milliseconds: millis)
        }
        let fresh = LogTimestamp(seconds: seconds, milliseconds: millis, utcOffset: localUTCOffset(at: seconds))
        cache.withLock { $0 = fresh }
        return fresh
    }

    /// The local time zone's offset from UTC at `seconds` (from `localtime_r`'s `tm_gmtoff`).
    public static func localUTCOffset(at seconds: Int) -> Int {
        var t = time_t(seconds)
        var tm = tm()
        localtime_r(&t, &tm)
        return Int(tm.tm_gmtoff)
    }
}

private let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

private func appendPadded(_ s: inout String, _ value: Int, width: Int) {
    let digits = String(value)
    if digits.utf8.count < width {
        s.append(String(repeating: "0", count: width - digits.utf8.count))
    }
    s.append(digits)
}

private func appendClock(_ s: inout String, _ h: Int, _ m: Int, _ sec: Int) {
    appendPadded(&s, h, width: 2); s.append(":")
    appendPadded(&s, m, width: 2); s.append(":")
    appendPadded(&s, sec, width: 2)
}

private func appendOffset(_ s: inout String, _ offset: Int, colon: Bool) {
    s.append(offset < 0 ? "-" : "+")
    let minutes = abs(offset) / 60
    appendPadded(&s, minutes / 60, width: 2)
    if colon { s.append(":") }
    appendPadded(&s, minutes % 60, width: 2)
}
