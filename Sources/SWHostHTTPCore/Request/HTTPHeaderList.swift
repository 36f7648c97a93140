// swhost: HTTP transport.

/// Request or response header fields: ordered (name, value) pairs, names as received.
///
/// Lookup is case-insensitive (RFC 9110 §5.1) and linear: requests carry a dozen headers, for
/// which a scan beats building a dictionary per request.
public struct HTTPHeaderList: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    @usableFromInline var storage: [Element]

    public init() { storage = [] }

    public init(_ pairs: [Element]) { storage = pairs }

    public init(dictionaryLiteral elements: (String, String)...) {
        storage = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public subscript(index: Int) -> Element { storage[index] }

    public func makeIterator() -> IndexingIterator<[Element]> { storage.makeIterator() }

    /// Room for `count` fields without growing (a response head gets about eight).
    public mutating func reserveCapacity(_ count: Int) {
        storage.reserveCapacity(count)
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func append(name: String, value: String) {
        storage.append((name: name, value: value))
    }

    /// Replaces every field named `name` (case-insensitively) with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name)
        storage.append((name: name, value: value))
    }

    /// Removes every field named `name` (case-insensitively).
    public mutating func remove(_ name: String) {
        storage.removeAll { Self.equalsIgnoringCase($0.name, name) }
    }

    /// The value of the first field named `name` (case-insensitively), or nil.
    public func first(_ name: String) -> String? {
        for h in storage where Self.equalsIgnoringCase(h.name, name) { return h.value }
        return nil
    }

    /// The values of every field named `name` (case-insensitively), in order.
    public func all(_ name: String) -> [String] {
        storage.compactMap { Self.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// The values of every field named `name` joined with `separator` (nginx's `$http_NAME` for
    /// repeated fields), nil when absent. A single field's value is returned as is, unallocated.
    public func joinedValues(_ name: String, separator: String) -> String? {
        var result: String?
        for h in storage where Self.equalsIgnoringCase(h.name, name) {
            if result == nil { result = h.value } else { result! += separator + h.value }
        }
        return result
    }

    /// True when a field named `name` is present.
    public func contains(_ name: String) -> Bool { first(name) != nil }

    /// ASCII case-insensitive comparison without allocating.
    public static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        // Indexing the contiguous UTF-8 buffers is several times cheaper than zipping the views,
        // and header lookups run a dozen times per request.
        var a = a, b = b
        return a.withUTF8 { ab in
            b.withUTF8 { bb in
                for i in 0..<ab.count {
                    let x = ab[i], y = bb[i]
                    if x != y && asciiLower(x) != asciiLower(y) { return false }
                }
                return true
            }
        }
    }

    @inline(__always) static func asciiLower(_ c: UInt8) -> UInt8 {
        (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
    }
}

extension HTTPHeaderList {
    /// True when the comma-separated list in any `name` field contains `token` (case-insensitively),
    /// e.g. `Connection: keep-alive, Upgrade`.
    public func containsToken(_ token: String, in name: String) -> Bool {
        for h in storage where Self.equalsIgnoringCase(h.name, name) {
            if Self.listContains(h.value, token) { return true }
        }
        return false
    }

    /// Scans `a, b ,c` for `token` on the UTF-8 bytes, without allocating.
    static func listContains(_ list: String, _ token: String) -> Bool {
        var list = list  // native strings are contiguous: withUTF8 does not copy them
        return list.withUTF8 { listContains($0, token.utf8) }
    }

    private static func listContains(_ bytes: UnsafeBufferPointer<UInt8>, _ tok: String.UTF8View) -> Bool {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
            var lo = start, hi = end
            while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
            if hi - lo == tok.count, zip(bytes[lo..<hi], tok).allSatisfy({ asciiLower($0) == asciiLower($1) }) { return true }
            start = end + 1
        }
        return false
    }
}
