// swhost: config language.

/// A time as nginx writes it (`ngx_parse_time`): `500ms`, `30s`, `30` (seconds), `5m`, `1h30m`,
/// `1d`, `1w`, `1M` (30 days), `1y` (365 days). Stored in milliseconds; may be negative only
/// where a directive allows it (`expires -1h`).
public struct ConfigTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func seconds(_ s: Int64) -> ConfigTime { ConfigTime(milliseconds: s * 1000) }

    public static func < (lhs: ConfigTime, rhs: ConfigTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Whole seconds (rounded down), for headers such as `Cache-Control: max-age`.
    public var seconds: Int64 { milliseconds / 1000 }

    /// The value as a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    public var description: String { "\(milliseconds)ms" }

    /// Parses nginx's `ngx_parse_time` syntax: `NUMBER[unit]` parts, units in decreasing order and
    /// each at most once, optionally separated by spaces (`1h 30m`); a number without a unit is
    /// seconds (`30`, `1h30`). `longUnits` allows `y`/`M`, which nginx accepts only for
    /// directives counted in seconds (`expires`, `open_file_cache inactive=`), not in
    /// milliseconds (timeouts). nil when invalid.
    public init?(parsing text: String, longUnits: Bool = true) {
        let bytes = Array(text.utf8)
        var total: Int64 = 0
        var i = 0
        var parts = 0
        // Units in nginx's required order; each may appear once.
        let order: [UInt8] = [UInt8(ascii: "y"), UInt8(ascii: "M"), UInt8(ascii: "w"), UInt8(ascii: "d"),
                              UInt8(ascii: "h"), UInt8(ascii: "m"), UInt8(ascii: "s"), 0]
        var lastUnitIndex = -1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: " ") { i += 1; continue }
            var value: Int64 = 0
            let start = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 0x30))
                guard !o1, !o2 else { return nil }
                value = a
                i += 1
            }
            guard i > start else { return nil }
            parts += 1
            var factor: Int64 = 1000 // a bare number is seconds
            if i < bytes.count, bytes[i] != UInt8(ascii: " ") {
                var unit = bytes[i]
                i += 1
                if unit == UInt8(ascii: "m"), i < bytes.count, bytes[i] == UInt8(ascii: "s") {
                    unit = 0 // "ms"
                    i += 1
                }
                guard let unitIndex = order.firstIndex(of: unit), unitIndex > lastUnitIndex else { return nil }
                if !longUnits, unitIndex < 2 { return nil }
                lastUnitIndex = unitIndex
                factor = switch unitIndex {
                case 0: 365 * 86_400_000
                case 1: 30 * 86_400_000
                case 2: 7 * 86_400_000
                case 3: 86_400_000
                case 4: 3_600_000
                case 5: 60_000
                case 6: 1000
                default: 1
                }
            } else {
                lastUnitIndex = order.count // nothing may follow a bare number
            }
            let (p, o) = value.multipliedReportingOverflow(by: factor)
            guard !o else { return nil }
            total += p
        }
        guard parts > 0 else { return nil }
        self.milliseconds = total
    }
}
