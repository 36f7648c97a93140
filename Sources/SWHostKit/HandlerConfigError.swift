// swhost: the public Swift handler API.

/// A handler's rejection of its configuration (or of a module), printed by `swhost -t` as
/// `[emerg] MESSAGE in FILE:LINE`.
public struct HandlerConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message, without level or location (e.g. `invalid "delay" value "x" in swift_handler "slow"`).
    public var message: String

    /// An error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
