// swhost: the public Swift handler API.

/// An in-process request handler: `swift_handler NAME [key=value ...];` in a location sends the
/// location's requests to the handler registered under NAME.
///
/// One instance serves every request of a location, concurrently, from many threads: keep it
/// immutable (or guard shared state with a `Mutex`). `handle` runs as a Swift task, never on an
/// event loop, so awaiting is free; blocking system calls (a synchronous database client, long
/// CPU work) should still move to a thread of their own so they do not starve the cooperative
/// pool. `swift_handler_timeout` bounds the time until `handle` returns: past it the client
/// gets 504 and the task is cancelled (check `Task.isCancelled` or call `try Task.checkCancellation()`
/// in long loops).
///
/// A thrown error answers 500 and writes an error-log line naming the handler; the error's text
/// never reaches the client.
public protocol SwiftHandler: Sendable {
    /// Answers one request.
    func handle(_ request: HandlerRequest) async throws -> HandlerResponse

    /// An optional synchronous fast path, tried before ``handle(_:)``: a response known at once
    /// (a fixed text, a counter snapshot) is sent without starting a task, hopping threads or
    /// arming the timeout. It runs on the connection's event loop, so it must return promptly:
    /// no I/O, no waiting on locks held for long, no heavy CPU. Return nil (the default) to be
    /// called through `handle` instead. A `.file` body is opened off the event loop.
    func immediateResponse(to request: HandlerRequest) -> HandlerResponse?
}

extension SwiftHandler {
    /// No fast path: every request goes through ``handle(_:)``.
    public func immediateResponse(to request: HandlerRequest) -> HandlerResponse? { nil }
}

/// Makes a handler from its `swift_handler` parameters, or rejects them.
///
/// The registry calls it at `swhost -t` time and when the configuration is loaded: a thrown
/// ``HandlerConfigError`` is reported as `[emerg] MESSAGE in FILE:LINE`, so validate every
/// parameter here, not in `handle`.
public typealias HandlerFactory = @Sendable (HandlerParameters) throws(HandlerConfigError) -> any SwiftHandler

/// A handler written as a closure, for handlers without configuration.
public struct ClosureHandler: SwiftHandler {
    let body: @Sendable (HandlerRequest) async throws -> HandlerResponse

    /// Wraps `body` as a handler.
    public init(_ body: @escaping @Sendable (HandlerRequest) async throws -> HandlerResponse) {
        self.body = body
    }

    /// Calls the closure.
    public func handle(_ request: HandlerRequest) async throws -> HandlerResponse {
        try await body(request)
    }
}
