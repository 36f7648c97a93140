// swhost: command line.

#if canImport(Glibc)
import Glibc
#endif
import SWHostConfig

/// Writes to the terminal and to the early error log (`-e FILE`) the way nginx does before a
/// config is loaded: `swhost: [emerg] MESSAGE` on stderr, and the timestamped nginx line in the
/// `-e` file when one is given.
struct Console: Sendable {
    /// The `-e` file, or nil for stderr only.
    var errorLogPath: String?

    static func writeStandardError(_ text: String) {
        write(2, text)
    }

    static func writeStandardOutput(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    static func writeStandardOutput(_ text: String) {
        write(1, text)
    }

    private static func write(_ fd: CInt, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    /// `swhost: TEXT` on stderr (usage errors, `-t` results).
    func say(_ text: String) {
        Console.writeStandardError("swhost: \(text)\n")
    }

    /// Reports a diagnostic: `swhost: [level] message in file:line` on stderr, and the nginx
    /// error-log line in the `-e` file if there is one.
    func report(_ diagnostic: ConfigDiagnostic) {
        say(diagnostic.description)
        guard let path = errorLogPath, path != "stderr" else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // The description is "[level] message in file:line"; the log line puts pid#tid after the level.
        let levelTag = "[\(diagnostic.level)] "
        let body = diagnostic.description.dropFirst(levelTag.count)
        Console.write(fd, "\(Console.timestamp()) \(levelTag)\(getpid())#\(getpid()): \(body)\n")
    }

    /// nginx's error-log time: `2026/11/22 01:41:49` (local time).
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func pad(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)/\(pad(parts.tm_mon + 1))/\(pad(parts.tm_mday)) \(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
    }
}
