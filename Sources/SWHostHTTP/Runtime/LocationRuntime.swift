// swhost: request processing.

import SWHostConfig
import SWHostLog
import Synchronization

/// What a location needs at request time that is derived from its config once per generation:
/// its opened access logs, its error log and, for `swift_handler`, the handler instance.
public final class LocationRuntime: Sendable {
    /// The `HTTPRuntime` generation that built it.
    let generation: UInt64
    public let accessLogs: [ResolvedAccessLog]
    public let errorLog: ErrorLog
    /// The `swift_handler` instance and its converted parameters, made on the first request.
    let swiftHandler = Mutex<SwiftHandlerCache.Resolved?>(nil)

    init(generation: UInt64, accessLogs: [ResolvedAccessLog], errorLog: ErrorLog) {
        self.generation = generation
        self.accessLogs = accessLogs
        self.errorLog = errorLog
    }
}

/// An `access_log` ready to write: opened once for a literal path, or per request for a path with
/// variables (nginx allows both).
public enum ResolvedAccessLog: Sendable {
    case fixed(SWHostLog.AccessLog)
    case perRequest(format: AccessLogFormat, path: VariableTemplate, prefix: String, condition: VariableTemplate?)
}
