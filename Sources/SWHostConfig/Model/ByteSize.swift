// swhost: config language.

/// A size as nginx writes it: `512`, `10k`/`10K`, `1m`/`1M`, `1g`/`1G` (powers of 1024).
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// Parses nginx's size syntax (`ngx_parse_size`); nil when invalid or overflowing.
    public init?(parsing text: String) {
        var value = 0
        var digits = 0
        var scale = 1
        let utf8 = text.utf8
        for (i, byte) in utf8.enumerated() {
            if byte >= 0x30, byte <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(byte - 0x30))
                guard !o1, !o2 else { return nil }
                value = a
                digits += 1
                continue
            }
            guard i == utf8.count - 1 else { return nil }
            switch byte | 0x20 { // ASCII lowercase
            case UInt8(ascii: "k"): scale = 1024
            case UInt8(ascii: "m"): scale = 1024 * 1024
            case UInt8(ascii: "g"): scale = 1024 * 1024 * 1024
            default: return nil
            }
        }
        guard digits > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        self.bytes = product
    }

    public var description: String { "\(bytes)" }

    public static func kilobytes(_ n: Int) -> ByteSize { ByteSize(bytes: n * 1024) }
    public static func megabytes(_ n: Int) -> ByteSize { ByteSize(bytes: n * 1024 * 1024) }
}
