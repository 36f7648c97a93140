// swhost: built-in Swift handlers.

import SWHostKit

/// The handlers compiled into swhost.
public enum BuiltinHandlers {
    /// The built-in names: `health`, `status`, `echo`, `hello`.
    public static let names = ["echo", "health", "hello", "status"]

    /// Registers every built-in in `registry` (swhost calls this once at startup, before the
    /// configuration is compiled, so `-t` validates built-in parameters too).
    public static func register(in registry: HandlerRegistry = .shared, status: ServerStatus = .shared) {
        registry.register("hello", factory: HelloHandler.make)
        registry.register("echo", factory: EchoHandler.make)
        registry.register("health") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try HealthHandler.make(p, status: status)
        }
        registry.register("status") { (p: HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler in
            try StatusHandler.make(p, status: status)
        }
    }
}
