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

        // Read straight into the result (no zero-filled scratch buffer): the size from fstat,
        // plus one byte to notice a file that grew meanwhile, doubling until a short read.
        var bytes: [UInt8] = []
        var capacity = max(Int(info.st_size), 0) + 1
        while true {
            var readError: Int32 = 0
            let previous = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                var filled = previous.count
                previous.withUnsafeBufferPointer { old in
                    if let oldBase = old.baseAddress { base.initialize(from: oldBase, count: old.count) }
                }
                while filled < capacity {
                    let n = pread(fd, base + filled, capacity - filled, off_t(filled))
                    if n > 0 {
                        filled += n
                    } else if n == 0 {
                        break
                    } else if errno != EINTR {
                        readError = errno
                        break
                    }
                }
                initialized = filled
            }
            if readError != 0 { throw failure("pread()", path, readError, location) }
            if bytes.count < capacity { break }
            capacity *= 2
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
