// swhost: Swift handlers.

import SWHostConfig
import SWHostKit
import Synchronization

/// The handler instance of each `swift_handler` location, so the request path does no
/// parameter conversion or registry hashing after a location's first request.
///
/// Kept in the location's `LocationRuntime` (one per location and config generation), so a
/// reload's new configuration makes new instances and finding one is a field read. (A table keyed
/// by the location's identity, holding it weakly, cost a lock and a hash per request, and the weak
/// reference sent every retain of the location through the runtime's slow path.)
enum SwiftHandlerCache {
    /// What a location's requests need from the cache.
    struct Resolved: Sendable {
        let name: String
        let handler: any SwiftHandler
        let parameters: HandlerParameters
        /// The location's pattern as `HandlerRequest.location` shows it (`= /x`, `~ re`, `/p/`).
        let locationText: String
    }

    /// The handler and its parameters for `location`, made through the registry on first use.
    static func handler(for location: LocationConfig, in runtime: LocationRuntime, name: String,
                        parameters: [SwiftHandlerParameter]) throws(HandlerConfigError) -> Resolved {
        let cached = runtime.swiftHandler.withLock { $0 }
        // A location's own handler is cached; one named in an `if` block inside it is made per
        // request (its parameters are the block's).
        if let cached, cached.name == name { return cached }
        let converted = HandlerParameters(parameters.map { HandlerParameters.Parameter(key: $0.key, value: $0.value) })
        let handler = try HandlerRegistry.shared.handler(name: name, parameters: converted)
        let locationText: String = switch location.modifier {
        case .prefix, .named: location.name
        default: location.modifier.rawValue + " " + location.name
        }
        let resolved = Resolved(name: name, handler: handler, parameters: converted, locationText: locationText)
        guard case .swift(name, parameters) = location.handler else { return resolved }
        return runtime.swiftHandler.withLock { slot in
            if let existing = slot { return existing }
            slot = resolved
            return resolved
        }
    }
}
