// swhost: request processing.

import SWHostConfig
import SWHostLog

extension RequestProcessor {
    /// Writes the request's line to every `access_log` of the location that answered it, after
    /// the response is complete (so `$status`, `$body_bytes_sent` and `$request_time` are known).
    func writeAccessLog(_ state: RequestState) {
        VirtualHostCounters.shared.record(state)
        let logs = state.locationRuntime.accessLogs
        guard !logs.isEmpty else { return }
        let resolve: (VariableName) -> String? = { state.value(of: $0) }
        for log in logs {
            switch log {
            case .fixed(let accessLog):
                _ = accessLog.log(resolve: resolve)
            case .perRequest(let format, let pathTemplate, let prefix, let condition):
                var path = state.render(pathTemplate)
                if !path.hasPrefix("/") { path = prefix + path }
                guard let file = try? LogFileRegistry.shared.file(path: path, bufferSize: 0, flushInterval: nil) else { continue }
                _ = SWHostLog.AccessLog(format: format, file: file, condition: condition).log(resolve: resolve)
            }
        }
    }
}
