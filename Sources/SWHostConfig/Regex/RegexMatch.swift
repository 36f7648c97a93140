// swhost: config language.

/// The result of a successful `ConfigRegex.match`: group 0 is the whole match.
public struct RegexMatch: Sendable, Hashable {
    public let subject: String
    /// UTF-8 byte ranges per group; nil for a group that did not participate.
    public let ranges: [Range<Int>?]
    /// Named groups → group number.
    public let names: [String: Int]

    /// Number of capture groups (excluding group 0).
    public var count: Int { ranges.count - 1 }

    /// Group `i` (`$i` in nginx), nil when absent or out of range.
    public subscript(_ i: Int) -> Substring? {
        guard i >= 0, i < ranges.count, let r = ranges[i] else { return nil }
        let utf8 = subject.utf8
        let lo = utf8.index(utf8.startIndex, offsetBy: r.lowerBound)
        let hi = utf8.index(lo, offsetBy: r.count)
        return Substring(subject[lo..<hi])
    }

    /// A named group (`$name` in nginx).
    public subscript(name name: String) -> Substring? {
        guard let i = names[name] else { return nil }
        return self[i]
    }
}
