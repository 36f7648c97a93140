// swhost: HTTP transport.

/// What happened to one response, for the access log (`$status`, `$bytes_sent`,
/// `$body_bytes_sent`, `$request_time`, `$request_completion`).
public struct ResponseCompletion: Sendable {
    /// The status code sent.
    public var status: Int
    /// Bytes of status line and header fields written.
    public var headerBytes: Int64
    /// Body bytes written (chunk framing excluded).
    public var bodyBytes: Int64
    /// True when the whole response reached the socket; false when the connection failed or the
    /// body stream threw (then the connection was closed).
    public var completed: Bool
    /// When the last byte was handed to the kernel (or the failure happened), microseconds
    /// since the epoch; `$request_time` is this minus `ConnectionInfo.startTime`.
    public var endTimeMicroseconds: Int64

    public init(status: Int, headerBytes: Int64, bodyBytes: Int64, completed: Bool, endTimeMicroseconds: Int64) {
        self.status = status
        self.headerBytes = headerBytes
        self.bodyBytes = bodyBytes
        self.completed = completed
        self.endTimeMicroseconds = endTimeMicroseconds
    }

    /// `$bytes_sent`.
    public var totalBytes: Int64 { headerBytes + bodyBytes }
}
