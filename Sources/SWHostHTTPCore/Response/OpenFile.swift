// swhost: HTTP transport.

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A read-only file descriptor shared by the open-file cache and every response that is sending it.
///
/// The descriptor is closed when the last reference goes away, so a cache eviction never closes a
/// file under an in-flight `sendfile`. The identity fields are those of the `fstat` taken when the
/// file was opened; they key caches (ETag, MIME sniff, gzip variants) and detect changed files.
public final class OpenFile: Sendable {
    /// The descriptor, opened `O_RDONLY | O_CLOEXEC`. Never close it yourself.
    public let descriptor: CInt
    /// Size in bytes at open time.
    public let size: Int64
    /// Modification time, seconds since the epoch.
    public let mtime: Int64
    /// Nanoseconds part of the modification time.
    public let mtimeNanoseconds: Int64
    /// Device and inode, to tell a replaced file from the same file.
    public let device: UInt64
    public let inode: UInt64
    /// `Last-Modified` and nginx's strong `ETag` (`"<mtime hex>-<size hex>"`), formatted once per
    /// open file rather than once per response.
    public let lastModifiedText: String
    public let etagText: String
    /// What the HTTP layer derived from this file version for its responses (the rendered head of
    /// a plain 200), so a hot file costs no formatting per response. Opaque to this module.
    public let derived = Mutex<(any AnyObject & Sendable)?>(nil)

    /// Takes ownership of `descriptor`.
    public init(descriptor: CInt, size: Int64, mtime: Int64, mtimeNanoseconds: Int64 = 0, device: UInt64, inode: UInt64) {
        self.descriptor = descriptor
        self.size = size
        self.mtime = mtime
        self.mtimeNanoseconds = mtimeNanoseconds
        self.device = device
        self.inode = inode
        self.lastModifiedText = HTTPDate.format(mtime)
        self.etagText = "\"" + String(UInt64(bitPattern: mtime), radix: 16) + "-" + String(UInt64(bitPattern: size), radix: 16) + "\""
    }

    /// Takes ownership of `descriptor` and reads its identity with `fstat`. Returns nil (and closes
    /// the descriptor) when `fstat` fails.
    public convenience init?(adopting descriptor: CInt) {
        var st = stat()
        guard fstat(descriptor, &st) == 0 else {
            close(descriptor)
            return nil
        }
        self.init(
            descriptor: descriptor,
            size: Int64(st.st_size),
            mtime: Int64(st.st_mtim.tv_sec),
            mtimeNanoseconds: Int64(st.st_mtim.tv_nsec),
            device: UInt64(st.st_dev),
            inode: UInt64(st.st_ino)
        )
    }

    deinit {
        close(descriptor)
    }
}

/// A byte range of an open file, sent with `sendfile(2)` when no filter needs the bytes.
public struct FileBody: Sendable {
    public let file: OpenFile
    /// Offset of the first byte to send.
    public var offset: Int64
    /// Number of bytes to send.
    public var length: Int64

    public init(file: OpenFile, offset: Int64 = 0, length: Int64? = nil) {
        self.file = file
        self.offset = offset
        self.length = length ?? (file.size - offset)
    }
}
