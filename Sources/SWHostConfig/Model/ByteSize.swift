// swhost: config language.

/// A size as nginx writes it: `512`, `10k`/`10K`, `1m`/`1M`, `1g`/`1G` (powers of 1024).
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// Parses nginx's size syntax (`ngx_parse_size`); nil when invalid or overflowing.
    public init?(parsing text: String) {
        var digits = Substring(text)
        var scale = 1
        switch text.last {
        case "k", "K": scale = 1024; digits = digits.dropLast()
        case "m", "M": scale = 1024 * 1024; digits = digits.dropLast()
        case "g", "G": scale = 1024 * 1024 * 1024; digits = digits.dropLast()
        default: break
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(digits) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        self.bytes = product
    }

    public var description: String { "\(bytes)" }

    public static func kilobytes(_ n: Int) -> ByteSize { ByteSize(bytes: n * 1024) }
    public static func megabytes(_ n: Int) -> ByteSize { ByteSize(bytes: n * 1024 * 1024) }
}
