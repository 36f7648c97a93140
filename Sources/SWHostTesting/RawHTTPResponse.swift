// swhost: SWHostTesting.

/// Header fields in the order received, with case-insensitive lookup.
public struct HTTPHeaderList: Sendable, Equatable, Sequence, CustomStringConvertible {
    /// The fields as received (names keep their case).
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// Every value of `name` (case-insensitive), in order.
    public func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return fields.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// True when `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// The field names in order, as received.
    public var names: [String] { fields.map(\.name) }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (lhs: HTTPHeaderList, rhs: HTTPHeaderList) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

/// One HTTP response as read off the wire.
public struct RawHTTPResponse: Sendable, Equatable {
    /// `HTTP/1.1`.
    public var version: String
    public var status: Int
    /// The reason phrase (may be empty).
    public var reason: String
    public var headers: HTTPHeaderList
    /// The body after removing chunked framing.
    public var body: [UInt8]
    /// Trailer fields of a chunked body.
    public var trailers: HTTPHeaderList
    /// How the body was delimited.
    public var framing: Framing
    /// The head exactly as received (status line and fields, without the blank line).
    public var rawHead: String

    public enum Framing: Sendable, Equatable {
        /// No body by rule (HEAD, 1xx, 204, 304).
        case none
        case contentLength(Int)
        case chunked
        /// Read until the server closed the connection.
        case close
    }

    /// The body as UTF-8 text.
    public var bodyString: String { String(decoding: body, as: UTF8.self) }
}
