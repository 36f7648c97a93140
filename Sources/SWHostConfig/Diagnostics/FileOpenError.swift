// swhost: config language.

#if canImport(Glibc)
import Glibc
#endif

/// A file swhost needed (a log file, an `auth_basic_user_file`) could not be opened.
public struct FileOpenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path that failed.
    public var path: String
    /// `errno` from `open(2)`.
    public var errno: Int32

    public init(path: String, errno: Int32) {
        self.path = path
        self.errno = errno
    }

    /// nginx's wording: `open() "PATH" failed (2: No such file or directory)`.
    public var description: String {
        "open() \"\(path)\" failed (\(errno): \(String(cString: strerror(errno))))"
    }
}
