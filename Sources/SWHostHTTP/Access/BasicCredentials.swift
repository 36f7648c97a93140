// swhost: SWHostHTTP, access phase.

/// The user and password of an `Authorization: Basic` header (RFC 7617).
public struct BasicCredentials: Sendable, Hashable {
    /// The user name as sent (bytes; usually UTF-8).
    public var user: [UInt8]
    /// The password as sent (bytes).
    public var password: [UInt8]

    public init(user: [UInt8], password: [UInt8]) {
        self.user = user
        self.password = password
    }

    /// The user name as a string (invalid UTF-8 repaired), for `$remote_user`.
    public var userString: String { String(decoding: user, as: UTF8.self) }

    /// Parses an `Authorization` header value: `Basic` (any case), spaces, then base64 of
    /// `user:password` (split at the first colon). Returns nil for another scheme, bad base64,
    /// or no colon, which nginx answers with 401.
    public init?(authorization value: some StringProtocol) {
        var bytes = Substring(value).utf8[...]
        let scheme = Array("basic".utf8)
        guard bytes.count > scheme.count else { return nil }
        for expected in scheme {
            guard let c = bytes.first, c | 0x20 == expected else { return nil }
            bytes = bytes.dropFirst()
        }
        guard let space = bytes.first, space == UInt8(ascii: " ") || space == UInt8(ascii: "\t") else { return nil }
        while let c = bytes.first, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { bytes = bytes.dropFirst() }
        while let c = bytes.last, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { bytes = bytes.dropLast() }
        guard !bytes.isEmpty, let decoded = Base64.decode(bytes) else { return nil }
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        user = Array(decoded[..<colon])
        password = Array(decoded[(colon + 1)...])
    }
}
