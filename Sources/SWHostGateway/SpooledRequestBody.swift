// swhost: CGI and FastCGI gateways.

#if canImport(Glibc)
import Glibc
#endif
import CSWHostSystem
import NIOCore
import SWHostHTTPCore

/// A request body read whole before the gateway starts (nginx's `fastcgi_request_buffering on`,
/// its default): small bodies in memory, larger ones in an anonymous temporary file (nginx's
/// `client_body_temp`), so neither a slow client (slowloris) nor a large chunked upload holds a
/// script or an upstream connection, or memory, while it trickles in; and the length is known
/// for `CONTENT_LENGTH`.
public final class SpooledRequestBody: Sendable {
    /// The file; closed when the body is released.
    let fd: Int32
    /// Bytes in the file.
    public let length: Int

    init(fd: Int32, length: Int) {
        self.fd = fd
        self.length = length
    }

    deinit { close(fd) }

    /// Bodies up to this size stay in memory.
    public static let memoryLimit = 64 * 1024
    /// Where larger bodies go (an unnamed file: nothing to clean up after a crash).
    public static let directory = "/tmp"

    /// Reads `sequence` to its end: `.buffered` up to `memoryLimit`, else `.spooled`. Returns the
    /// body and its length; throws the sequence's error (client gone, too large, timed out) or
    /// `GatewayError.requestBody` when the temporary file cannot be written.
    public static func read(_ sequence: RequestBodySequence, memoryLimit: Int = memoryLimit) async throws -> (GatewayRequestBody, Int) {
        var memory = ByteBuffer()
        var fd: Int32 = -1
        var length = 0
        do {
            for try await chunk in sequence {
                length += chunk.readableBytes
                if fd >= 0 {
                    try append(chunk, to: fd)
                } else if memory.readableBytes + chunk.readableBytes <= memoryLimit {
                    var chunk = chunk
                    memory.writeBuffer(&chunk)
                } else {
                    fd = try createFile()
                    try append(memory, to: fd)
                    try append(chunk, to: fd)
                    memory = ByteBuffer()
                }
            }
        } catch {
            if fd >= 0 { close(fd) }
            throw error
        }
        if fd >= 0 { return (.spooled(SpooledRequestBody(fd: fd, length: length)), length) }
        return (length == 0 ? .none : .buffered(memory), length)
    }

    private static func createFile() throws(GatewayError) -> Int32 {
        // O_TMPFILE (hidden behind _GNU_SOURCE): a file with no name, gone with its descriptor.
        let tmpfile: Int32 = 0o20000000 | O_DIRECTORY
        var fd = open(directory, tmpfile | O_RDWR | O_CLOEXEC, 0o600)
        if fd < 0 {
            var template = Array("\(directory)/swhost-body-XXXXXX".utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 {
                _ = swhost_set_cloexec(fd, 1)
                template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            }
        }
        guard fd >= 0 else { throw .requestBody("cannot create a temporary file in \(directory) (\(errno): \(String(cString: strerror(errno))))") }
        return fd
    }

    private static func append(_ buffer: ByteBuffer, to fd: Int32) throws(GatewayError) {
        let failure: Int32? = buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failure { throw .requestBody("write to the request body file failed (\(failure): \(String(cString: strerror(failure))))") }
    }

    /// The bytes in order, 64 KiB at a time (`pread`, so a retry can read them again).
    func chunks() -> Chunks { Chunks(body: self) }

    struct Chunks: AsyncSequence {
        typealias Element = ByteBuffer
        let body: SpooledRequestBody

        struct AsyncIterator: AsyncIteratorProtocol {
            let body: SpooledRequestBody
            var offset = 0

            mutating func next() async throws -> ByteBuffer? {
                guard offset < body.length else { return nil }
                let wanted = Swift.min(64 * 1024, body.length - offset)
                var buffer = ByteBuffer()
                let (fd, at) = (body.fd, off_t(offset))
                let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { raw in
                    Swift.max(0, pread(fd, raw.baseAddress!, wanted, at))
                }
                guard n > 0 else { throw GatewayError.requestBody("read of the request body file failed") }
                offset += n
                return buffer
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: body) }
    }
}
