// swhost: the public Swift handler API.

/// The `key=value` parameters of a `swift_handler` directive, in configuration order.
public struct HandlerParameters: Sendable, Hashable, Sequence {
    /// One `key=value` parameter.
    public struct Parameter: Sendable, Hashable {
        /// The text before the first `=`.
        public var key: String
        /// The text after the first `=` (may be empty).
        public var value: String

        /// A parameter `key=value`.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The parameters in configuration order (a key may repeat).
    public var all: [Parameter]

    /// Parameters from `all`, in order.
    public init(_ all: [Parameter] = []) {
        self.all = all
    }

    /// Parameters from `(key, value)` pairs, in order.
    public init(pairs: KeyValuePairs<String, String>) {
        self.all = pairs.map { Parameter(key: $0.key, value: $0.value) }
    }

    /// The last value given for `key` (nginx style: a later directive wins), or nil.
    public subscript(key: String) -> String? {
        all.last { $0.key == key }?.value
    }

    /// Iterates the parameters in order.
    public func makeIterator() -> IndexingIterator<[Parameter]> {
        all.makeIterator()
    }

    /// Rejects any key outside `keys`, naming `handler` in the message.
    public func allowOnly(_ keys: Set<String>, handler: String) throws(HandlerConfigError) {
        for p in all where !keys.contains(p.key) {
            throw HandlerConfigError("unknown parameter \"\(p.key)\" in swift_handler \"\(handler)\"")
        }
    }

    /// The value of `key` as an integer in `range`, `defaultValue` when absent.
    public func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>, handler: String) throws(HandlerConfigError) -> Int {
        guard let text = self[key] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw HandlerConfigError("invalid \"\(key)\" value \"\(text)\" in swift_handler \"\(handler)\"")
        }
        return value
    }
}
