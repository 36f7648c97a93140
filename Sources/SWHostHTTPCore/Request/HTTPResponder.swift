// swhost: HTTP transport.

/// The HTTP layer's entry point: one call per request, on the connection's event loop, in order.
///
/// The responder answers through `writer.send(_:body:completion:)` exactly once, from any thread,
/// now or later. The next pipelined request is not handed over before that response is written.
public protocol HTTPResponder: Sendable {
    /// Called on the connection's event loop for each request, in order.
    func respond(to request: HTTPRequest, writer: ResponseWriter)
}
