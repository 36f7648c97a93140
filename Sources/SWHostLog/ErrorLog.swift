// swhost: SWHostLog.

import CSWHostSystem
import Glibc
import SWHostConfig

/// nginx's error log: `2026/11/21 10:00:00 [error] PID#TID: *CONN message, client: ...`.
///
/// One `ErrorLog` holds every `error_log` target of a context (nginx allows several, each with
/// its own level); a message goes to each target whose level it meets (`error_log FILE warn`
/// takes `warn` and everything more severe).
public final class ErrorLog: Sendable {
    public typealias Level = ConfigDiagnostic.Level

    /// One `error_log FILE LEVEL`.
    public struct Target: Sendable {
        public let file: LogFile
        public let level: Level

        /// `level` defaults to `error`, nginx's default for `error_log`.
        public init(file: LogFile, level: Level = .error) {
            self.file = file
            self.level = level
        }
    }

    public let targets: [Target]
    /// The least severe level any target takes; below it `isEnabled` is false and nothing is formatted.
    public let minimumLevel: Level

    public init(targets: [Target]) {
        self.targets = targets
        self.minimumLevel = targets.map(\.level).min() ?? .emerg
    }

    /// A log writing to standard error at `level` (before the config is read, `-t`).
    public static func standardError(level: Level = .error) -> ErrorLog {
        ErrorLog(targets: [Target(file: .standardError, level: level)])
    }

    /// True when a message at `level` would be written somewhere.
    @inline(__always)
    public func isEnabled(_ level: Level) -> Bool {
        !targets.isEmpty && level >= minimumLevel
    }

    /// Writes `message` at `level` to every target that takes it.
    public func log(_ level: Level, _ message: String, context: ErrorLogContext? = nil) {
        guard isEnabled(level) else { return }
        let line = Self.formatLine(
            time: LogTime.now(), level: level, pid: Self.processID, threadID: swhost_gettid(),
            message: message, context: context
        )
        let bytes = Array(line.utf8)
        for target in targets where level >= target.level {
            target.file.write(bytes)
        }
    }

    /// Flushes every target.
    public func flush() {
        for target in targets { target.file.flush() }
    }

    /// One line in nginx's format, with the trailing newline.
    public static func formatLine(
        time: LogTimestamp, level: Level, pid: Int32, threadID: Int32, message: String, context: ErrorLogContext?
    ) -> String {
        var line = time.errorLog
        line.reserveCapacity(64 + message.utf8.count)
        line += " ["
        line += level.description
        line += "] "
        line += String(pid)
        line += "#"
        line += String(threadID)
        line += ": "
        if let connection = context?.connection {
            line += "*"
            line += String(connection)
            line += " "
        }
        line += message
        context?.appendSuffix(to: &line)
        line += "\n"
        return line
    }

    /// This process's id, read once (workers are exec'd, never forked without exec).
    static let processID: Int32 = getpid()
}

extension ErrorLog.Target {
    /// Opens an `error_log` destination from the config (a file through the registry, so every
    /// level that names the same path shares one descriptor; or standard error).
    public init(_ target: ErrorLogTarget) throws(FileOpenError) {
        switch target.destination {
        case .stderr:
            self.init(file: LogFile.standardError, level: target.level)
        case .file(let path):
            self.init(file: try LogFileRegistry.shared.file(path: path, bufferSize: 0, flushInterval: nil), level: target.level)
        }
    }
}
