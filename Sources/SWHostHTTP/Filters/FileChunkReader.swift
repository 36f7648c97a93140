// swhost: request processing.

#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import SWHostCompression
import SWHostHTTPCore

/// Reads a file region in 64 KiB chunks for bodies that are transformed while sent (gzip of files
/// too large for the variant cache), so a large file is never held in memory whole.
final class FileChunkReader: Sendable {
    private let body: FileBody
    private let offset: NIOLockedValueBox<Int64>

    init(body: FileBody) {
        self.body = body
        self.offset = NIOLockedValueBox(body.offset)
    }

    /// The next chunk, or nil at the end of the region. A file truncated while being sent ends
    /// the body early with an error, so the transport closes the connection instead of passing a
    /// short body off as complete.
    func next() async throws -> ByteBuffer? {
        let end = body.offset + body.length
        let start = offset.withLockedValue { $0 }
        guard start < end else { return nil }
        let count = Int(min(64 * 1024, end - start))
        var buffer = ByteBuffer()
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            let n = pread(body.file.descriptor, raw.baseAddress, count, off_t(start))
            return n > 0 ? n : 0
        }
        guard read > 0 else { throw FileChunkReaderError.truncated }
        offset.withLockedValue { $0 = start + Int64(read) }
        return buffer
    }
}

enum FileChunkReaderError: Error {
    case truncated
}

/// On-the-fly gzip output is a response body like any other stream.
extension GzipStream: ResponseBodyStream {}

/// A body of unknown length that has no bytes: the head of a HEAD response whose representation
/// length is unknown (gzip), sent without `Content-Length` as nginx does. Never read for HEAD.
struct NoBodyStream: ResponseBodyStream {
    func next() async throws -> ByteBuffer? { nil }
}
