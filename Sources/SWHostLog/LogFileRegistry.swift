// swhost: SWHostLog.

import SWHostConfig
import Synchronization

/// One `LogFile` per path per process, so every `access_log`/`error_log` naming the same file
/// shares one descriptor and one buffer (nginx's `ngx_conf_open_file`).
///
/// The master reopens everything on SIGUSR1 with `reopenAll()`; workers call `flushAll()` from a
/// periodic timer (see `LogFile`'s buffering notes) and on shutdown.
public final class LogFileRegistry: Sendable {
    private let files: Mutex<[String: LogFile]>

    public init() {
        files = Mutex([:])
    }

    /// The process-wide registry.
    public static let shared = LogFileRegistry()

    /// The file for `path`, opened on first use. Later calls for the same path return the same
    /// `LogFile` with the settings of the first call (nginx also keeps one buffer per file).
    /// The path `stderr` names standard error.
    public func file(path: String, bufferSize: Int = 0, flushInterval: Duration? = nil) throws(FileOpenError) -> LogFile {
        if path == "stderr" { return LogFile.standardError }
        return try files.withLock { files throws(FileOpenError) -> LogFile in
            if let existing = files[path] { return existing }
            let file = try LogFile(path: path, bufferSize: bufferSize, flushInterval: flushInterval)
            files[path] = file
            return file
        }
    }

    /// Every file currently registered.
    public var allFiles: [LogFile] {
        files.withLock { Array($0.values) }
    }

    /// Reopens every file (SIGUSR1). Returns the failures; files that failed keep their old descriptor.
    @discardableResult
    public func reopenAll() -> [FileOpenError] {
        var failures: [FileOpenError] = []
        for file in allFiles {
            do { try file.reopen() } catch { failures.append(error) }
        }
        return failures
    }

    /// Writes every buffer out.
    public func flushAll() {
        for file in allFiles { file.flush() }
    }

    /// Writes buffers whose `flush=` time has passed; call from a periodic timer.
    public func flushDue() {
        for file in allFiles { file.flushIfDue() }
    }

    /// Flushes and closes every file and forgets them (worker shutdown, or a reload dropping a generation).
    public func closeAll() {
        let all = files.withLock { files -> [LogFile] in
            let all = Array(files.values)
            files.removeAll()
            return all
        }
        for file in all { file.close() }
    }
}
