// swhost: HTTP transport.

import NIOCore

/// Sends the one response to one request. Safe to call from any thread: it hops to the
/// connection's event loop.
public struct ResponseWriter: Sendable {
    let handler: LoopConfined<HTTPConnectionHandler>
    let eventLoop: any EventLoop
    let requestNumber: Int

    /// Writes `head` and `body`, exactly once per request.
    ///
    /// The writer adds `Date`, `Content-Length` (known length) or `Transfer-Encoding: chunked`
    /// (HTTP/1.1, unknown length; HTTP/1.0 is close-delimited), and `Connection`. It sends no body
    /// for HEAD and for 1xx/204/304. A `.stream` body that throws closes the connection.
    /// `completion` runs on the event loop once the response is written or has failed.
    public func send(_ head: ResponseHead, body: ResponseBody, completion: (@Sendable (ResponseCompletion) -> Void)? = nil) {
        if eventLoop.inEventLoop {
            handler.value.sendResponse(requestNumber: requestNumber, head: head, body: body, completion: completion)
        } else {
            let handler = self.handler
            let n = requestNumber
            eventLoop.execute {
                handler.value.sendResponse(requestNumber: n, head: head, body: body, completion: completion)
            }
        }
    }

    /// Closes the connection without answering (nginx's `return 444`). Use instead of `send`.
    public func abort() {
        let handler = self.handler
        let n = requestNumber
        if eventLoop.inEventLoop {
            handler.value.abortRequest(requestNumber: n)
        } else {
            eventLoop.execute { handler.value.abortRequest(requestNumber: n) }
        }
    }
}
