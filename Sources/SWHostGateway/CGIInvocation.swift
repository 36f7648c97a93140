// swhost: CGI and FastCGI gateways.

import NIOCore
import SWHostHTTPCore

/// One CGI/1.1 script run (RFC 3875), with everything already decided by the HTTP layer.
public struct CGIInvocation: Sendable {
    /// The executable to start: the script itself, its interpreter, or the `cgi_pass` program.
    public var executable: String
    /// argv, argv[0] included (the script path follows the interpreter when there is one).
    public var arguments: [String]
    /// The complete environment: the meta-variables and nothing else (no inheritance).
    public var environment: [(name: String, value: String)]
    /// The working directory (the script's directory).
    public var workingDirectory: String
    /// The script's name is `nph-*`: its output starts with an HTTP status line.
    public var nph: Bool
    /// The longest pause in the script's output before it is killed (`cgi_read_timeout`).
    public var readTimeout: TimeAmount
    /// `cgi_max_processes`.
    public var maxProcesses: Int

    public init(executable: String, arguments: [String], environment: [(name: String, value: String)],
                workingDirectory: String, nph: Bool = false, readTimeout: TimeAmount = .seconds(60), maxProcesses: Int = 16) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.nph = nph
        self.readTimeout = readTimeout
        self.maxProcesses = maxProcesses
    }
}

/// The request body handed to a gateway.
public enum GatewayRequestBody: Sendable {
    case none
    /// Already read (chunked requests are collected first so `CONTENT_LENGTH` can be set).
    case buffered(ByteBuffer)
    /// Streamed from the client as the gateway consumes it.
    case stream(RequestBodySequence)
    /// Read whole into a temporary file first (`SpooledRequestBody`).
    case spooled(SpooledRequestBody)
}
