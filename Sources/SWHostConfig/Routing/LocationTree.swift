// swhost: config language.

/// The locations of one server (or nested in one location), precomputed for nginx's search order
/// (ngx_http_core_find_location):
/// 1. an exact `=` match wins at once;
/// 2. otherwise the longest prefix (plain or `^~`) is remembered, and its nested locations are
///    searched the same way (an exact or regex match there wins);
/// 3. unless that prefix is `^~`, regex locations are tried in config order, first match wins
///    (nested ones of the longest prefix were already tried in step 2);
/// 4. otherwise the longest prefix.
/// `@named` locations are reachable only through `named(_:)`.
public struct LocationTree: Sendable {
    /// Immutable tables behind one reference, so copying a tree (and reading a location's
    /// `children`) costs one retain.
    private final class Storage: Sendable {
        let exact: [String: LocationConfig]
        let prefixes: PrefixIndex<LocationConfig>
        let regexes: [LocationConfig]
        let named: [String: LocationConfig]
        /// FastCGI prefix locations ending in `/`, keyed by the name without it.
        let autoRedirect: [String: LocationConfig]
        let all: [LocationConfig]

        init(_ locations: [LocationConfig]) {
            var exact: [String: LocationConfig] = [:]
            var regexes: [LocationConfig] = []
            var named: [String: LocationConfig] = [:]
            var autoRedirect: [String: LocationConfig] = [:]
            var prefixEntries: [(key: String, value: LocationConfig)] = []
            for location in locations {
                switch location.modifier {
                case .exact: exact[location.name] = location
                case .prefix, .prefixNoRegex:
                    prefixEntries.append((location.name, location))
                    if location.name.count > 1, location.name.hasSuffix("/"), case .fastcgi = location.handler {
                        autoRedirect[String(location.name.dropLast())] = location
                    }
                case .regex, .regexCaseless: regexes.append(location)
                case .named: named[location.name] = location
                }
            }
            self.autoRedirect = autoRedirect
            self.exact = exact
            self.regexes = regexes
            self.named = named
            self.prefixes = PrefixIndex(prefixEntries)
            self.all = locations
        }
    }

    private static let emptyStorage = Storage([])
    private let storage: Storage

    private var exact: [String: LocationConfig] { storage.exact }
    private var prefixes: PrefixIndex<LocationConfig> { storage.prefixes }
    private var regexes: [LocationConfig] { storage.regexes }
    private var namedLocations: [String: LocationConfig] { storage.named }
    /// All locations in config order (for introspection and `-T`-style dumps).
    public var all: [LocationConfig] { storage.all }

    public init() { storage = LocationTree.emptyStorage }

    public init(_ locations: [LocationConfig]) {
        storage = locations.isEmpty ? LocationTree.emptyStorage : Storage(locations)
    }

    public var isEmpty: Bool { all.isEmpty }

    /// The `@name` location (name includes the `@`).
    public func named(_ name: String) -> LocationConfig? { namedLocations[name] }

    /// The location for a normalized URI path (no query), or nil when nothing matches.
    public func match(_ uri: String) -> LocationMatch? {
        var u = uri
        return u.withUTF8 { match(uri: uri, bytes: $0) }
    }

    private enum Outcome { case final(LocationMatch), prefix(LocationMatch), none }

    private func match(uri: String, bytes: UnsafeBufferPointer<UInt8>) -> LocationMatch? {
        switch find(uri: uri, bytes: bytes) {
        case .final(let m), .prefix(let m): m
        case .none: nil
        }
    }

    private func find(uri: String, bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        if !exact.isEmpty, let e = exact[uri] { return .final(LocationMatch(location: e, captures: nil)) }
        if !storage.autoRedirect.isEmpty, let r = storage.autoRedirect[uri] {
            return .final(LocationMatch(location: r, captures: nil, redirectWithSlash: true))
        }
        var best: Outcome = .none
        var noRegex = false
        if let p = prefixes.longestPrefix(of: bytes) {
            noRegex = p.modifier == .prefixNoRegex
            best = .prefix(LocationMatch(location: p, captures: nil))
            if !p.children.isEmpty {
                switch p.children.find(uri: uri, bytes: bytes) {
                case .final(let m): return .final(m)
                case .prefix(let m): best = .prefix(m)
                case .none: break
                }
            }
        }
        if !noRegex {
            for r in regexes {
                if let captures = r.regex?.match(uri) {
                    // nginx searches a matched regex location's nested locations too.
                    if !r.children.isEmpty {
                        switch r.children.find(uri: uri, bytes: bytes) {
                        case .final(let m), .prefix(let m): return .final(m)
                        case .none: break
                        }
                    }
                    return .final(LocationMatch(location: r, captures: captures))
                }
            }
        }
        return best
    }
}
