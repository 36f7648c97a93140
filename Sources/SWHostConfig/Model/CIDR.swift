// swhost: config language.

/// An address or network for `allow`/`deny`: `192.168.1.0/24`, `10.0.0.1`, `2001:db8::/32`.
///
/// Addresses are stored as 16 bytes (IPv4 as IPv4-mapped IPv6) so one comparison covers both.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The network address, masked, in IPv4-mapped form for IPv4.
    public var address: [UInt8]
    /// The prefix length counted on the 128-bit form (IPv4 `/24` is 120).
    public var prefixLength: Int
    public var isIPv4: Bool
    /// True when the written address had bits set beyond the prefix (nginx warns "low address bits ... are meaningless").
    public var hadLowBits: Bool

    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = CIDR.parseAddress(String(parts[0])) else { return nil }
        isIPv4 = bytes.isIPv4
        let maxLength = isIPv4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let l = Int(parts[1]), l <= maxLength else { return nil }
            length = l
        }
        prefixLength = isIPv4 ? length + 96 : length
        var masked = bytes.bytes
        CIDR.mask(&masked, prefixLength)
        hadLowBits = masked != bytes.bytes
        address = masked
    }

    /// True when `address` (IPv4 dotted or IPv6 text, or 16 raw bytes) is inside this network.
    public func contains(_ text: String) -> Bool {
        guard let parsed = CIDR.parseAddress(text) else { return false }
        return contains(bytes: parsed.bytes)
    }

    /// `bytes` is 16 bytes (IPv4-mapped for IPv4) or 4 bytes of IPv4.
    public func contains(bytes: [UInt8]) -> Bool {
        var b = bytes
        if b.count == 4 { b = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + b }
        guard b.count == 16 else { return false }
        CIDR.mask(&b, prefixLength)
        return b == address
    }

    public var description: String {
        if isIPv4 { return address[12...].map(String.init).joined(separator: ".") + "/\(prefixLength - 96)" }
        return "ipv6/\(prefixLength)"
    }

    private static func mask(_ b: inout [UInt8], _ length: Int) {
        for i in 0..<16 {
            let bitsHere = max(0, min(8, length - i * 8))
            b[i] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bitsHere))
        }
    }

    /// Parses a numeric IPv4 or IPv6 address into 16 bytes.
    static func parseAddress(_ text: String) -> (bytes: [UInt8], isIPv4: Bool)? {
        if let v4 = parseIPv4(Substring(text)) { return ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + v4, true) }
        if let v6 = parseIPv6(text) { return (v6, false) }
        return nil
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(4)
        var value = 0, digits = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, out.count < 3 else { return nil }
                out.append(UInt8(value))
                value = 0; digits = 0
            } else if byte >= 0x30, byte <= 0x39 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                guard digits <= 3, value <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, out.count == 3 else { return nil }
        out.append(UInt8(value))
        return out
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt8]? {
            if s.isEmpty { return [] }
            var out: [UInt8] = []
            let parts = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, p) in parts.enumerated() {
                if i == parts.count - 1, p.contains("."), let v4 = parseIPv4(p) { out += v4; continue }
                guard !p.isEmpty, p.count <= 4, let v = UInt16(p, radix: 16) else { return nil }
                out += [UInt8(v >> 8), UInt8(v & 0xff)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

extension String {
    /// `a::b` splitting without Foundation.
    fileprivate func components(separatedBy separator: String) -> [String] {
        var out: [String] = []
        var current = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: separator) {
            current = String(rest[..<r.lowerBound])
            out.append(current)
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}
