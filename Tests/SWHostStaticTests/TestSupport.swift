// swhost: SWHostStaticTests.

import Foundation
import SWHostHTTPCore

#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "swhost-static-XXXXXX").utf8CString)
        guard let p = mkdtemp(&template) else { throw POSIXError(.EIO) }
        // Resolve /tmp symlinks so paths compare equal to what the kernel reports.
        path = URL(fileURLWithPath: String(cString: p)).resolvingSymlinksInPath().path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` to `relative`, creating parent directories.
    @discardableResult
    func write(_ relative: String, _ contents: String) throws -> String {
        try write(relative, Data(contents.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        return full
    }

    @discardableResult
    func mkdir(_ relative: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: target)
    }

    /// Sets the mtime (and atime) of `relative` without following a final symlink.
    func setMtime(_ relative: String, _ seconds: Int64, nanoseconds: Int = 0) {
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: nanoseconds), timespec(tv_sec: Int(seconds), tv_nsec: nanoseconds)]
        _ = utimensat(AT_FDCWD, path + "/" + relative, &times, AT_SYMLINK_NOFOLLOW)
    }
}

/// Whether `fd` is an open descriptor.
func isOpen(_ fd: CInt) -> Bool {
    fcntl(fd, F_GETFD) != -1
}

/// Reads a whole open file with pread.
func readAll(_ file: OpenFile) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(file.size))
    let n = out.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, $0.count, 0) }
    return Array(out.prefix(max(n, 0)))
}
