// swhost: HTTP transport.

import NIOCore

/// Why a request body could not be read to the end.
public enum RequestBodyError: Error, Sendable, Hashable {
    /// Over the limit given to `readBody` (`client_max_body_size`): answer 413. For a chunked body
    /// the connection is closed after that response.
    case tooLarge
    /// Malformed chunked framing: answer 400 (the connection closes after it).
    case malformed
    /// `client_body_timeout` passed between two reads: the connection is closed (nginx logs 408).
    case timedOut
    /// The client went away.
    case connectionClosed
}

/// One step of a request body delivered to the `readBody` handler, on the connection's event loop.
public enum RequestBodyEvent: Sendable {
    /// The next bytes of the (de-chunked) body.
    case chunk(ByteBuffer)
    /// The body ended; no further events.
    case end
    /// The body failed; no further events.
    case failure(RequestBodyError)
}

/// What the body handler wants after a chunk: backpressure for slow consumers (a FastCGI upstream).
public enum BodyDemand: Sendable {
    /// Keep delivering.
    case more
    /// Stop reading from the socket until `HTTPRequest.resumeBody()`.
    case pause
}
