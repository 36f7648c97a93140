// swhost: HTTP transport.

import NIOCore

extension ResponseWriter {
    /// Closes the connection without sending any response (nginx's `return 444`), instead of `send`.
    public func abort(completion: (@Sendable (ResponseCompletion) -> Void)? = nil) {
        let handler = self.handler
        let n = requestNumber
        if eventLoop.inEventLoop {
            handler.value.abortResponse(requestNumber: n, completion: completion)
        } else {
            eventLoop.execute { handler.value.abortResponse(requestNumber: n, completion: completion) }
        }
    }
}

extension HTTPConnectionHandler {
    func abortResponse(requestNumber: Int, completion: (@Sendable (ResponseCompletion) -> Void)?) {
        let now = Self.nowMicroseconds()
        guard let context, requestNumber == requestCount, !response.started else {
            completion?(ResponseCompletion(status: 444, headerBytes: 0, bodyBytes: 0, completed: false, endTimeMicroseconds: now))
            return
        }
        response.started = true
        context.close(promise: nil)
        completion?(ResponseCompletion(status: 444, headerBytes: 0, bodyBytes: 0, completed: true, endTimeMicroseconds: now))
    }
}
