// swhost: process model.

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of the master's latest reload, in a small file beside the pid file
/// (`PIDFILE.reload`), so `swhost -s reload` can wait for it instead of firing and forgetting:
///
/// ```
/// attempt 3
/// generation 2
/// result failed
/// message unknown directive "x" in /srv/swhost/etc/swhost.conf:9
/// ```
///
/// `attempt` counts HUPs (0 at start); the file is replaced atomically and removed on exit.
public struct ReloadStatus: Sendable, Equatable {
    public var attempt: Int
    public var generation: Int
    public var succeeded: Bool
    /// For a refused reload: the `[emerg]` message (without the level).
    public var message: String

    public init(attempt: Int, generation: Int, succeeded: Bool, message: String = "") {
        self.attempt = attempt
        self.generation = generation
        self.succeeded = succeeded
        self.message = message
    }

    public static func path(pidPath: String) -> String { pidPath + ".reload" }

    public var text: String {
        "attempt \(attempt)\ngeneration \(generation)\nresult \(succeeded ? "ok" : "failed")\nmessage \(message)\n"
    }

    public init?(text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let space = line.firstIndex(of: " ") else { continue }
            fields[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        guard let attempt = fields["attempt"].flatMap({ Int($0) }),
              let generation = fields["generation"].flatMap({ Int($0) }),
              let result = fields["result"] else { return nil }
        self.init(attempt: attempt, generation: generation, succeeded: result == "ok", message: fields["message"] ?? "")
    }

    /// Writes the file through a temporary name and `rename`, so a reader never sees half of it.
    public func write(to path: String) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        var bytes = Array(text.utf8)
        _ = Glibc.write(fd, &bytes, bytes.count)
        close(fd)
        rename(temporary, path)
    }

    /// The current file, nil when there is none (a single-process server, no master running).
    public static func read(from path: String) -> ReloadStatus? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = Glibc.read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return ReloadStatus(text: String(decoding: buffer[..<n], as: UTF8.self))
    }
}
