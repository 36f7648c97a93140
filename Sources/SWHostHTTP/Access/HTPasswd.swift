// swhost: SWHostHTTP, access phase.

import Glibc
import SWHostConfig

/// A parsed `auth_basic_user_file`: `user:hash[:comment]` lines; `#` comments and blank lines
/// are skipped; the first line for a user wins (nginx scans top to bottom).
public struct HTPasswd: Sendable, Hashable {
    /// user (bytes) → password field (bytes), first occurrence.
    private let hashes: [[UInt8]: [UInt8]]
    /// User names in file order.
    public let users: [String]

    /// Parses file contents.
    public init(contents: some Collection<UInt8>) {
        let contents = Array(contents)
        var hashes: [[UInt8]: [UInt8]] = [:]
        var users: [String] = []
        for rawLine in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = rawLine[...]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            let trimmed = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let user = Array(line[..<colon])
            let rest = line[line.index(after: colon)...]
            // A third field is a comment (htpasswd files from Apache may carry one).
            let hash = Array(rest.prefix { $0 != UInt8(ascii: ":") })
            if user.isEmpty || hashes[user] != nil { continue }
            hashes[user] = hash
            users.append(String(decoding: user, as: UTF8.self))
        }
        self.hashes = hashes
        self.users = users
    }

    /// Parses a file's text.
    public init(text: String) {
        self.init(contents: Array(text.utf8))
    }

    /// Reads and parses `path`. Blocking: call off the event loop.
    public static func load(path: String) throws(FileOpenError) -> HTPasswd {
        HTPasswd(contents: try readFile(path))
    }

    /// The stored password field for `user`, if any.
    public func storedHash(for user: some Collection<UInt8>) -> [UInt8]? {
        hashes[Array(user)]
    }

    /// True when `user` is in the file and `password` matches its hash.
    public func verify(user: some Collection<UInt8>, password: [UInt8]) -> Bool {
        guard let stored = hashes[Array(user)] else { return false }
        return PasswordHash.verify(password: password, stored: stored)
    }

    /// True when the credentials match an entry.
    public func verify(_ credentials: BasicCredentials) -> Bool {
        verify(user: credentials.user, password: credentials.password)
    }

    /// String convenience.
    public func verify(user: String, password: String) -> Bool {
        verify(user: Array(user.utf8), password: Array(password.utf8))
    }

    static func readFile(_ path: String) throws(FileOpenError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileOpenError(path: path, errno: errno) }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                out.append(contentsOf: chunk[..<n])
            } else if n == 0 {
                return out
            } else if errno != EINTR {
                throw FileOpenError(path: path, errno: errno)
            }
        }
    }
}
