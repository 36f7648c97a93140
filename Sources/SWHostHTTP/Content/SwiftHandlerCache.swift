// swhost: Swift handlers.

import SWHostConfig
import SWHostKit
import Synchronization

/// The handler instance of each `swift_handler` location, so the request path does no
/// parameter conversion or registry hashing after a location's first request.
///
/// Keyed by the location object's identity; the entry holds the location weakly and checks it,
/// so an identifier reused after a reload freed the old configuration never matches a stale entry.
final class SwiftHandlerCache: Sendable {
    static let shared = SwiftHandlerCache()

    private struct Entry {
        weak var location: LocationConfig?
        let handler: any SwiftHandler
        let parameters: HandlerParameters
        let locationText: String
    }

    /// What a location's requests need from the cache.
    struct Resolved {
        let handler: any SwiftHandler
        let parameters: HandlerParameters
        /// The location's pattern as `HandlerRequest.location` shows it (`= /x`, `~ re`, `/p/`).
        let locationText: String
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    /// The handler and its parameters for `location`, made through the registry on first use.
    func handler(for location: LocationConfig, name: String, parameters: [SwiftHandlerParameter]) throws(HandlerConfigError) -> Resolved {
        let id = ObjectIdentifier(location)
        if let entry = entries.withLock({ $0[id] }), entry.location === location {
            return Resolved(handler: entry.handler, parameters: entry.parameters, locationText: entry.locationText)
        }
        let converted = HandlerParameters(parameters.map { HandlerParameters.Parameter(key: $0.key, value: $0.value) })
        let handler = try HandlerRegistry.shared.handler(name: name, parameters: converted)
        let locationText: String = switch location.modifier {
        case .prefix, .named: location.name
        default: location.modifier.rawValue + " " + location.name
        }
        entries.withLock { table in
            // Configurations replaced by reloads leave dead entries; sweep them as the table grows.
            if table.count >= 1024 { table = table.filter { $0.value.location != nil } }
            table[id] = Entry(location: location, handler: handler, parameters: converted, locationText: locationText)
        }
        return Resolved(handler: handler, parameters: converted, locationText: locationText)
    }
}
