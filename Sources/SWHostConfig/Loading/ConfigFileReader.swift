// swhost: config language.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads config files with plain system calls and words failures as nginx does.
enum ConfigFileReader {
    /// An opened and fully read file.
    struct Contents {
        var bytes: [UInt8]
        /// Device and inode, which identify the file across different spellings of its path
        /// (symbolic links, `..`) for include-cycle detection.
        var identity: FileIdentity
    }

    struct FileIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// nginx's errno suffix: ` (2: No such file or directory)`.
    static func errnoSuffix(_ code: Int32) -> String {
        " (\(code): \(String(cString: strerror(code))))"
    }

    /// Reads the whole file at `path`.
    ///
    /// Failures are `open() "PATH" failed (ERRNO: TEXT)` (and `fstat()`/`pread()` likewise: a
    /// directory fails at `pread()` with `21: Is a directory`), at `location` (nil for the main file).
    static func read(_ path: String, reportedAt location: SourceLocation?) throws(ConfigDiagnostic) -> Contents {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open()", path, errno, location) }
        defer { close(fd) }

        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("fstat()", path, errno, location) }

        var bytes: [UInt8] = []
        let expected = Int(info.st_size)
        bytes.reserveCapacity(max(expected, 0))
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress, buffer.count, off_t(bytes.count))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("pread()", path, errno, location)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return Contents(
            bytes: bytes,
            identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    private static func failure(_ call: String, _ path: String, _ code: Int32, _ location: SourceLocation?)
        -> ConfigDiagnostic
    {
        ConfigDiagnostic(.emerg, "\(call) \"\(path)\" failed\(errnoSuffix(code))", at: location)
    }
}
