// swhost: request processing.

import SWHostConfig
import SWHostLog

/// What a location needs at request time that is derived from its config once per generation:
/// its opened access logs and its error log.
public final class LocationRuntime: Sendable {
    public let accessLogs: [ResolvedAccessLog]
    public let errorLog: ErrorLog

    init(accessLogs: [ResolvedAccessLog], errorLog: ErrorLog) {
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
