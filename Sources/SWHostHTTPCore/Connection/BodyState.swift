// swhost: HTTP transport.

/// Progress of the in-flight request's body.
struct BodyState {
    var framing: RequestFraming
    /// Bytes still expected for a `Content-Length` body.
    var remaining: Int64 = 0
    var chunked = ChunkedBodyDecoder()
    /// De-chunked bytes read so far (checked against `limit`).
    var received: Int64 = 0
    /// Bytes discarded after the response (bounded by `maximumDrainBytes`).
    var drained: Int64 = 0
    /// `client_max_body_size`; 0 = unlimited.
    var limit: Int64 = 0
    var consumer: (@Sendable (RequestBodyEvent) -> BodyDemand)?
    /// `readBody` was called.
    var started = false
    var paused = false
    /// Every body byte has been taken from the input.
    var finished: Bool
    /// The body cannot be read to its end (malformed, over the limit): the connection must close.
    var failed = false

    init(framing: RequestFraming = .none) {
        self.framing = framing
        switch framing {
        case .none: finished = true
        case .length(let n): remaining = n; finished = n == 0
        case .chunked: finished = false
        }
    }

    /// A consumer is waiting for bytes.
    var wantsData: Bool { consumer != nil && !paused && !finished && !failed }
}

/// Progress of the in-flight response.
struct ResponseState {
    var isHead = false
    var started = false
    var finished = false
    var keepAlive = false
    var status = 0
    var headerBytes: Int64 = 0
    var bodyBytes: Int64 = 0
    var completion: (@Sendable (ResponseCompletion) -> Void)?
    var continueSent = false
    var corked = false
    var pendingWrites = 0

    init(isHead: Bool = false) {
        self.isHead = isHead
    }
}
