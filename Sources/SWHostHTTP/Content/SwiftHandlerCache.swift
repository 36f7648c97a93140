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
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    /// The handler and its parameters for `location`, made through the registry on first use.
    func handler(for location: LocationConfig, name: String, parameters: [SwiftHandlerParameter]) throws(HandlerConfigError) -> (any SwiftHandler, HandlerParameters) {
        let id = ObjectIdentifier(location)
        if let entry = entries.withLock({ $0[id] }), entry.location === location {
            return (entry.handler, entry.parameters)
        }
        let converted = HandlerParameters(parameters.map { HandlerParameters.Parameter(key: $0.key, value: $0.value) })
        let handler = try HandlerRegistry.shared.handler(name: name, parameters: converted)
        entries.withLock { table in
            // Configurations replaced by reloads leave dead entries; sweep them as the table grows.
            if table.count >= 1024 { table = table.filter { $0.value.location != nil } }
            table[id] = Entry(location: location, handler: handler, parameters: converted)
        }
        return (handler, converted)
    }
}
