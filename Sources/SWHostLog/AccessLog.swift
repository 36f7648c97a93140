// swhost: SWHostLog.

import SWHostConfig

/// One `access_log PATH FORMAT [buffer=SIZE] [flush=TIME] [if=CONDITION]`: a compiled format
/// writing to a shared `LogFile`, once per request after the response completes.
public struct AccessLog: Sendable {
    public let format: AccessLogFormat
    public let file: LogFile
    /// `if=CONDITION`: the request is not logged when it renders to `""` or `"0"`.
    public let condition: VariableTemplate?

    public init(format: AccessLogFormat, file: LogFile, condition: VariableTemplate? = nil) {
        self.format = format
        self.file = file
        self.condition = condition
    }

    /// Renders and writes the line for one request, reusing `scratch` (cleared first) so a
    /// connection can keep one buffer across requests. Returns false when `if=` skipped it.
    @discardableResult
    public func log(scratch: inout [UInt8], resolve: (VariableName) -> String?) -> Bool {
        if let condition {
            let value = condition.render(resolve)
            if value.isEmpty || value == "0" { return false }
        }
        scratch.removeAll(keepingCapacity: true)
        format.render(into: &scratch, resolve: resolve)
        file.write(scratch)
        return true
    }

    /// Renders and writes the line for one request. Returns false when `if=` skipped it.
    @discardableResult
    public func log(resolve: (VariableName) -> String?) -> Bool {
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        return log(scratch: &scratch, resolve: resolve)
    }
}
