// swhost: static files.

import NIOCore
import NIOPosix
import SWHostHTTPCore

#if canImport(Glibc)
import Glibc
#endif

/// nginx's autoindex module (`ngx_http_autoindex_module.c`, 1.22): directory reading and the
/// `html`, `json`/`jsonp` and `xml` listings, byte-compatible with nginx's output.
public enum Autoindex {
    /// One directory entry.
    public struct Entry: Sendable, Hashable {
        /// The name as stored on disk (any bytes but `/` and NUL; usually UTF-8).
        public var name: [UInt8]
        public var isDirectory: Bool
        /// A regular file (json/xml say `other` and omit the size otherwise).
        public var isFile: Bool
        /// Seconds since the epoch.
        public var mtime: Int64
        public var size: Int64

        public init(name: [UInt8], isDirectory: Bool, isFile: Bool, mtime: Int64, size: Int64) {
            self.name = name
            self.isDirectory = isDirectory
            self.isFile = isFile
            self.mtime = mtime
            self.size = size
        }

        public init(name: String, isDirectory: Bool, isFile: Bool, mtime: Int64, size: Int64) {
            self.init(name: Array(name.utf8), isDirectory: isDirectory, isFile: isFile, mtime: mtime, size: size)
        }
    }

    /// `autoindex_format`.
    public enum Format: Sendable, Hashable {
        case html, json, xml
        /// JSON wrapped in `callback(...);`. nginx takes the callback from `$arg_callback`.
        case jsonp(callback: String)
    }

    /// Display options of the html format.
    public struct Options: Sendable, Hashable {
        /// `autoindex_exact_size` (default on).
        public var exactSize: Bool
        /// `autoindex_localtime` (default off: UTC).
        public var localTime: Bool
        /// Whether the response charset is UTF-8 (nginx's `r->utf8`, set by `charset utf-8`).
        /// nginx then measures and cuts names in characters; otherwise in bytes (so a long
        /// multibyte name may be cut inside a character, exactly as nginx does).
        public var utf8: Bool

        public init(exactSize: Bool = true, localTime: Bool = false, utf8: Bool = false) {
            self.exactSize = exactSize
            self.localTime = localTime
            self.utf8 = utf8
        }
    }

    /// Errors reading a directory (nginx: `opendir()`/`readdir()` failed → 500, EACCES → 403).
    public struct ReadError: Error, Sendable {
        public let errno: Int32
        public let operation: String
    }

    /// Reads `directory` (a descriptor from ``PathResolution/directory(_:)``) like nginx: hidden
    /// names (leading `.`) skipped, `stat` per entry with `lstat` fallback for dangling or looping
    /// symlinks, entries nginx cannot stat for EACCES skipped, sorted directories first then by
    /// byte order (`ngx_http_autoindex_cmp_entries`). **Blocking**.
    public static func read(directory: OpenFile) throws(ReadError) -> [Entry] {
        // A fresh open file description: the cached descriptor's offset must not move.
        let fd = openat(directory.descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw ReadError(errno: errno, operation: "opendir()") }
        guard let dir = fdopendir(fd) else {
            let e = errno
            close(fd)
            throw ReadError(errno: e, operation: "opendir()")
        }
        defer { closedir(dir) }
        var entries: [Entry] = []
        while true {
            errno = 0
            guard let de = readdir(dir) else {
                if errno != 0 { throw ReadError(errno: errno, operation: "readdir()") }
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: de.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name.first == UInt8(ascii: ".") { continue }
            var st = stat()
            var cname = name
            cname.append(0)
            // errno is captured right after the failing call, before any other code can clobber it.
            let failure: Int32 = cname.withUnsafeBufferPointer { cp -> Int32 in
                let p = UnsafeRawPointer(cp.baseAddress!).assumingMemoryBound(to: CChar.self)
                if fstatat(fd, p, &st, 0) == 0 { return 0 }
                let e = errno
                if e != ENOENT && e != ELOOP { return e }
                return fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : errno
            }
            if failure != 0 {
                // nginx skips entries it may not stat (EACCES); ENOENT: removed while listing.
                if failure == EACCES || failure == ENOENT { continue }
                throw ReadError(errno: failure, operation: "stat()")
            }
            let type = st.st_mode & S_IFMT
            entries.append(Entry(name: name, isDirectory: type == S_IFDIR, isFile: type == S_IFREG,
                                 mtime: Int64(st.st_mtim.tv_sec), size: Int64(st.st_size)))
        }
        sort(&entries)
        return entries
    }

    /// Reads and renders on `pool`.
    public static func render(directory: OpenFile, uri: String, format: Format, options: Options = Options(),
                              on pool: NIOThreadPool) async throws -> ByteBuffer {
        try await pool.runIfActive {
            let entries = try read(directory: directory)
            return try render(entries, uri: uri, format: format, options: options)
        }
    }

    /// Renders sorted entries in `format`. `uri` is the decoded request path (`/dir/`).
    /// CPU only (html `localTime` calls `localtime_r`).
    public static func render(_ entries: [Entry], uri: String, format: Format, options: Options = Options()) throws -> ByteBuffer {
        switch format {
        case .html: return ByteBuffer(bytes: html(entries, uri: uri, options: options))
        case .json: return ByteBuffer(bytes: json(entries))
        case .jsonp(let cb): return ByteBuffer(bytes: json(entries, callback: cb))
        case .xml: return ByteBuffer(bytes: try xml(entries))
        }
    }

    /// The response Content-Type nginx sends for each format.
    public static func contentType(_ format: Format) -> String {
        switch format {
        case .html: "text/html"
        case .json: "application/json"
        case .jsonp: "application/javascript"
        case .xml: "text/xml"
        }
    }

    /// nginx's order: directories first, then `strcmp` of the names.
    public static func sort(_ entries: inout [Entry]) {
        entries.sort { a, b in
            if a.isDirectory != b.isDirectory { return a.isDirectory }
            return a.name.lexicographicallyPrecedes(b.name)
        }
    }
}
