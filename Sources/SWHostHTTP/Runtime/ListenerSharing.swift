// swhost: request processing.

import SWHostConfig

/// nginx binds one socket per port when a wildcard address (`listen 80;`, `[::]:80`) is
/// configured: specific addresses on that port (`listen 127.0.0.1:80;`) are served through the
/// wildcard socket and told apart by the connection's local address, unless their `listen`
/// sets socket options (`bind`, `backlog`, `reuseport`...), which need a socket of their own.
/// Binding both would fail with EADDRINUSE.
struct ListenerSharing: Sendable {
    /// Tags (indexes into `listenKeys`) that get a socket of their own.
    let boundTags: [Int]
    /// For a wildcard listener's tag: the specific addresses it serves, by local address text.
    let sharedTables: [Int: [String: Int]]

    init(keys: [ListenKey], options: [ListenKey: ListenDirective]) {
        var wildcards: [String: Int] = [:]
        for (tag, key) in keys.enumerated() {
            if let family = Self.wildcardFamily(key) { wildcards["\(family):\(key.port ?? 0)"] = tag }
        }
        var bound: [Int] = []
        var shared: [Int: [String: Int]] = [:]
        for (tag, key) in keys.enumerated() {
            let (family, address): (String, String)
            switch key {
            case .ipv4(let a, _): (family, address) = ("4", a)
            case .ipv6(let a, _): (family, address) = ("6", a)
            case .unix:
                bound.append(tag)
                continue
            }
            let ownSocket = options[key]?.setsSocketOptions ?? false
            if Self.wildcardFamily(key) == nil, !ownSocket, let wildcard = wildcards["\(family):\(key.port ?? 0)"] {
                shared[wildcard, default: [:]][address] = tag
            } else {
                bound.append(tag)
            }
        }
        boundTags = bound
        sharedTables = shared
    }

    /// The tag whose server table answers a connection accepted on `tag`'s socket.
    func tag(accepted tag: Int, localAddress: String) -> Int {
        guard let specific = sharedTables[tag], let match = specific[localAddress] else { return tag }
        return match
    }

    private static func wildcardFamily(_ key: ListenKey) -> String? {
        switch key {
        case .ipv4(let a, _) where a == "0.0.0.0" || a == "*": "4"
        case .ipv6(let a, _) where a == "::": "6"
        default: nil
        }
    }
}
