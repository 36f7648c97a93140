// swhost: the public Swift handler API.

import Synchronization

/// The handlers `swift_handler NAME` can name: the built-ins registered at startup and those of
/// `load_module` libraries.
///
/// The configuration compiler calls ``validate(name:parameters:)`` for each `swift_handler`
/// directive (a rejection becomes `[emerg] ... in FILE:LINE`); the request path calls
/// ``handler(name:parameters:)``, which makes one instance per distinct (name, parameters) and
/// reuses it.
public final class HandlerRegistry: Sendable {
    /// The process-wide registry swhost uses.
    public static let shared = HandlerRegistry()

    private struct Key: Hashable {
        var name: String
        var parameters: HandlerParameters
    }

    private struct State {
        var factories: [String: HandlerFactory] = [:]
        var instances: [Key: any SwiftHandler] = [:]
    }

    private let state = Mutex(State())

    /// An empty registry (tests; swhost uses ``shared``).
    public init() {}

    /// Registers `factory` under `name`. Returns false, keeping the first, when the name is taken.
    @discardableResult
    public func register(_ name: String, factory: @escaping HandlerFactory) -> Bool {
        state.withLock { s in
            guard s.factories[name] == nil else { return false }
            s.factories[name] = factory
            return true
        }
    }

    /// Registers a handler that takes no parameters (any parameter is rejected at `-t` time).
    @discardableResult
    public func register(_ name: String, handler: any SwiftHandler) -> Bool {
        register(name) { (parameters: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try parameters.allowOnly([], handler: name)
            return handler
        }
    }

    /// The registered names, sorted.
    public var names: [String] {
        state.withLock { $0.factories.keys.sorted() }
    }

    /// Checks that `name` is registered and accepts `parameters` (the `-t` hook).
    public func validate(name: String, parameters: HandlerParameters) throws(HandlerConfigError) {
        _ = try handler(name: name, parameters: parameters)
    }

    /// The handler for a location: made by the factory on first use, then shared.
    public func handler(name: String, parameters: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler {
        let key = Key(name: name, parameters: parameters)
        let (existing, factory) = state.withLock { s in (s.instances[key], s.factories[name]) }
        if let existing { return existing }
        guard let factory else {
            throw HandlerConfigError("unknown swift handler \"\(name)\"")
        }
        let made = try factory(parameters)
        return state.withLock { s in
            if let raced = s.instances[key] { return raced }
            s.instances[key] = made
            return made
        }
    }
}
