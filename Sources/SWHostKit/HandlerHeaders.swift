// swhost: the public Swift handler API.

/// HTTP header fields in order, names as given; lookups ignore ASCII case (RFC 9110 §5.1).
public struct HandlerHeaders: Sendable, Hashable, Sequence {
    /// The fields in order.
    public private(set) var fields: [(name: String, value: String)]

    /// Headers from `fields`, in order.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Appends a field (a repeated name is sent as repeated lines).
    public mutating func add(name: String, value: String) {
        fields.append((name, value))
    }

    /// Replaces every field named `name` with one `name: value`.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        fields.append((name, value))
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Field names compare without ASCII case.
    static func sameName(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
        }
    }

    /// Same fields, names and values compared exactly, in the same order.
    public static func == (lhs: HandlerHeaders, rhs: HandlerHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Hashes the fields in order.
    public func hash(into hasher: inout Hasher) {
        for f in fields {
            hasher.combine(f.name)
            hasher.combine(f.value)
        }
    }
}

extension HandlerHeaders: ExpressibleByDictionaryLiteral {
    /// Headers from a literal, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }
}
