// swhost: HTTP transport.

/// HTTP dates (RFC 9110 §5.6.7): formatting as IMF-fixdate and parsing the three forms the way
/// nginx's `ngx_parse_http_time` does. No Foundation, no `strftime`/`timegm` per call: the calendar
/// arithmetic is Howard Hinnant's civil-from-days / days-from-civil (proleptic Gregorian, UTC).
public enum HTTPDate {
    /// A broken-down UTC time.
    public struct Components: Sendable, Equatable {
        public var year: Int
        /// 1...12
        public var month: Int
        /// 1...31
        public var day: Int
        public var hour: Int
        public var minute: Int
        public var second: Int
        /// 0 = Sunday ... 6 = Saturday.
        public var weekday: Int

        /// Breaks `epochSeconds` (UTC) into calendar fields.
        public init(epochSeconds: Int64) {
            var days = epochSeconds / 86_400
            var secs = epochSeconds % 86_400
            if secs < 0 {
                secs += 86_400
                days -= 1
            }
            hour = Int(secs / 3600)
            minute = Int(secs % 3600 / 60)
            second = Int(secs % 60)
            // 1970-01-01 was a Thursday.
            var wd = (days + 4) % 7
            if wd < 0 { wd += 7 }
            weekday = Int(wd)
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = Int(doy - (153 * mp + 2) / 5 + 1)
            month = Int(mp < 10 ? mp + 3 : mp - 9)
            year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        }
    }

    /// English month abbreviations, index 0 = January.
    public static let monthNames: [String] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    private static let dayBytes: [UInt8] = Array("SunMonTueWedThuFriSat".utf8)
    private static let monthBytes: [UInt8] = Array("JanFebMarAprMayJunJulAugSepOctNovDec".utf8)

    /// Length of an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static let formattedLength = 29

    /// Formats `epochSeconds` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    /// Years outside 0...9999 are clamped to four digits, as nginx's `%4d` would not be; such
    /// mtimes do not occur on real files.
    public static func format(_ epochSeconds: Int64) -> String {
        String(unsafeUninitializedCapacity: formattedLength) { buffer in
            write(epochSeconds, into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Writes the 29-byte IMF-fixdate into `buffer` (which must hold at least 29 bytes) and returns 29.
    @discardableResult
    public static func write(_ epochSeconds: Int64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= formattedLength)
        let c = Components(epochSeconds: epochSeconds)
        var i = 0
        @inline(__always) func put(_ b: UInt8) {
            buffer[i] = b
            i += 1
        }
        @inline(__always) func two(_ v: Int) {
            put(UInt8(truncatingIfNeeded: 48 + v / 10 % 10))
            put(UInt8(truncatingIfNeeded: 48 + v % 10))
        }
        for k in 0..<3 { put(dayBytes[c.weekday * 3 + k]) }
        put(UInt8(ascii: ","))
        put(UInt8(ascii: " "))
        two(c.day)
        put(UInt8(ascii: " "))
        for k in 0..<3 { put(monthBytes[(c.month - 1) * 3 + k]) }
        put(UInt8(ascii: " "))
        let y = min(max(c.year, 0), 9999)
        two(y / 100)
        two(y % 100)
        put(UInt8(ascii: " "))
        two(c.hour)
        put(UInt8(ascii: ":"))
        two(c.minute)
        put(UInt8(ascii: ":"))
        two(c.second)
        put(UInt8(ascii: " "))
        put(UInt8(ascii: "G"))
        put(UInt8(ascii: "M"))
        put(UInt8(ascii: "T"))
        return i
    }

    /// Parses an HTTP date the way nginx 1.22's `ngx_parse_http_time` does: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`, two-digit
    /// years below 70 are 20xx) and asctime (`Sun Nov  6 08:49:37 1994`). Like nginx it ignores
    /// the weekday and anything after the time (or after the year for asctime), and rejects
    /// impossible dates (31 Apr, 29 Feb of a common year). Returns nil when unparsable.
    public static func parse(_ value: String) -> Int64? {
        var v = value
        return v.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte-level form of ``parse(_:)``.
    public static func parse(bytes: UnsafeRawBufferPointer) -> Int64? {
        let end = bytes.count
        // nginx reads a NUL-terminated buffer; reading past the end yields 0 here, which fails every check.
        @inline(__always) func at(_ i: Int) -> UInt8 { i < end ? bytes[i] : 0 }
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        @inline(__always) func d(_ i: Int) -> Int { Int(at(i)) - 48 }

        enum Format { case none, rfc822, rfc850, isoc }
        var fmt = Format.none
        var p = 0
        while p < end {
            if bytes[p] == UInt8(ascii: ",") { break }
            if bytes[p] == UInt8(ascii: " ") {
                fmt = .isoc
                break
            }
            p += 1
        }
        p += 1
        while p < end, bytes[p] == UInt8(ascii: " ") { p += 1 }
        if end - p < 18 { return nil }

        var day = 32
        var year = 2038
        if fmt != .isoc {
            guard isDigit(at(p)), isDigit(at(p + 1)) else { return nil }
            day = d(p) * 10 + d(p + 1)
            p += 2
            if at(p) == UInt8(ascii: " ") {
                if end - p < 18 { return nil }
                fmt = .rfc822
            } else if at(p) == UInt8(ascii: "-") {
                fmt = .rfc850
            } else {
                return nil
            }
            p += 1
        }

        var month: Int
        switch at(p) {
        case UInt8(ascii: "J"): month = at(p + 1) == UInt8(ascii: "a") ? 0 : at(p + 2) == UInt8(ascii: "n") ? 5 : 6
        case UInt8(ascii: "F"): month = 1
        case UInt8(ascii: "M"): month = at(p + 2) == UInt8(ascii: "r") ? 2 : 4
        case UInt8(ascii: "A"): month = at(p + 1) == UInt8(ascii: "p") ? 3 : 7
        case UInt8(ascii: "S"): month = 8
        case UInt8(ascii: "O"): month = 9
        case UInt8(ascii: "N"): month = 10
        case UInt8(ascii: "D"): month = 11
        default: return nil
        }
        p += 3
        if (fmt == .rfc822 && at(p) != UInt8(ascii: " ")) || (fmt == .rfc850 && at(p) != UInt8(ascii: "-")) {
            return nil
        }
        p += 1

        if fmt == .rfc822 {
            guard isDigit(at(p)), isDigit(at(p + 1)), isDigit(at(p + 2)), isDigit(at(p + 3)) else { return nil }
            year = d(p) * 1000 + d(p + 1) * 100 + d(p + 2) * 10 + d(p + 3)
            p += 4
        } else if fmt == .rfc850 {
            guard isDigit(at(p)), isDigit(at(p + 1)) else { return nil }
            year = d(p) * 10 + d(p + 1)
            year += year < 70 ? 2000 : 1900
            p += 2
        }

        if fmt == .isoc {
            if at(p) == UInt8(ascii: " ") { p += 1 }
            guard isDigit(at(p)) else { return nil }
            day = d(p)
            p += 1
            if at(p) != UInt8(ascii: " ") {
                guard isDigit(at(p)) else { return nil }
                day = day * 10 + d(p)
                p += 1
            }
            if end - p < 14 { return nil }
        }

        guard at(p) == UInt8(ascii: " ") else { return nil }
        p += 1
        guard isDigit(at(p)), isDigit(at(p + 1)) else { return nil }
        let hour = d(p) * 10 + d(p + 1)
        p += 2
        guard at(p) == UInt8(ascii: ":") else { return nil }
        p += 1
        guard isDigit(at(p)), isDigit(at(p + 1)) else { return nil }
        let minute = d(p) * 10 + d(p + 1)
        p += 2
        guard at(p) == UInt8(ascii: ":") else { return nil }
        p += 1
        guard isDigit(at(p)), isDigit(at(p + 1)) else { return nil }
        let second = d(p) * 10 + d(p + 1)

        if fmt == .isoc {
            p += 2
            guard at(p) == UInt8(ascii: " ") else { return nil }
            p += 1
            guard isDigit(at(p)), isDigit(at(p + 1)), isDigit(at(p + 2)), isDigit(at(p + 3)) else { return nil }
            year = d(p) * 1000 + d(p + 1) * 100 + d(p + 2) * 10 + d(p + 3)
        }

        if hour > 23 || minute > 59 || second > 59 { return nil }
        let mday = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if day == 29 && month == 1 {
            if (year & 3) != 0 || (year % 100 == 0 && year % 400 != 0) { return nil }
        } else if day > mday[month] {
            return nil
        }
        return epochSeconds(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
    }

    /// Seconds since the epoch of a UTC calendar time (days-from-civil).
    public static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
    }
}
