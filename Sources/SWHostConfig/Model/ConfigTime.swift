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

    /// Parses one or more `NUMBER[unit]` parts (each unit at most once, in decreasing order as
    /// nginx requires); a bare number is seconds. nil when invalid.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var total: Int64 = 0
        var i = 0
        // Units in nginx's required order; each may appear once.
        let order: [String] = ["y", "M", "w", "d", "h", "m", "s", "ms"]
        var lastUnitIndex = -1
        while i < bytes.count {
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
            var unit = "s"
            if i < bytes.count {
                if bytes[i] == UInt8(ascii: "m"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "s") {
                    unit = "ms"; i += 2
                } else {
                    unit = String(decoding: bytes[i...i], as: UTF8.self); i += 1
                }
            } else if start != 0 {
                return nil // nginx rejects a bare number after a unit ("1h30")
            }
            guard let unitIndex = order.firstIndex(of: unit), unitIndex > lastUnitIndex else { return nil }
            lastUnitIndex = unitIndex
            let factor: Int64 = switch unit {
            case "y": 365 * 86_400_000
            case "M": 30 * 86_400_000
            case "w": 7 * 86_400_000
            case "d": 86_400_000
            case "h": 3_600_000
            case "m": 60_000
            case "s": 1000
            default: 1
            }
            let (p, o) = value.multipliedReportingOverflow(by: factor)
            guard !o else { return nil }
            total += p
        }
        self.milliseconds = total
    }
}
