// swhost: compression.

import CZlib
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Errors from zlib.
public struct CompressionError: Error, Sendable, CustomStringConvertible {
    /// The zlib return code (`Z_MEM_ERROR`, `Z_STREAM_ERROR`, ...) or the errno of a failed read.
    public let code: Int32
    public let operation: String
    public var description: String { "\(operation) failed (\(code))" }
}

/// A streaming gzip (RFC 1952) deflater over zlib: window bits 31 (15 + gzip wrapper), memLevel 8
/// (nginx's `gzip_buffers`/window defaults aside, the output is a standard gzip member).
///
/// Feed chunks with ``compress(_:allocator:)`` and end with ``finish(allocator:)``; no whole-body
/// buffering, so it suits `.stream` bodies. One instance per response, used by one task at a
/// time (not `Sendable`). CPU-bound: large one-shot jobs belong on a thread pool.
public final class GzipCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false
    /// `gzip_comp_level`, 1...9.
    public let level: Int32

    /// - Parameter level: 1 (fastest, nginx's default `gzip_comp_level 1`) ... 9 (smallest).
    public init(level: Int = 1) throws(CompressionError) {
        self.level = Int32(min(max(level, 1), 9))
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = czlib_deflateInit2(stream, self.level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY)
        if rc != Z_OK {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw CompressionError(code: rc, operation: "deflateInit2()")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input` (consumed entirely) and returns whatever output zlib produced so far
    /// (possibly empty: deflate buffers until it has a block).
    public func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(CompressionError) -> ByteBuffer {
        precondition(!finished, "GzipCompressor used after finish()")
        var out = allocator.buffer(capacity: Int(deflateBound(stream, uLong(input.readableBytes))) / 4 + 64)
        try input.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) throws(CompressionError) in
            try run(raw, flush: Z_NO_FLUSH, into: &out)
        }
        return out
    }

    /// Like ``compress(_:allocator:)`` then `Z_SYNC_FLUSH`, so everything fed so far can be
    /// decoded by the client now (for slow streams such as server-sent output). Costs a few bytes.
    public func flush(_ input: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(CompressionError) -> ByteBuffer {
        precondition(!finished, "GzipCompressor used after finish()")
        var out = allocator.buffer(capacity: input.readableBytes / 2 + 64)
        try input.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) throws(CompressionError) in
            try run(raw, flush: Z_SYNC_FLUSH, into: &out)
        }
        return out
    }

    /// Compresses any last input and writes the gzip trailer (CRC32, ISIZE).
    public func finish(_ input: ByteBuffer? = nil, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(CompressionError) -> ByteBuffer {
        precondition(!finished, "GzipCompressor.finish() called twice")
        finished = true
        var out = allocator.buffer(capacity: (input?.readableBytes ?? 0) / 2 + 64)
        let data = input ?? ByteBuffer()
        try data.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) throws(CompressionError) in
            try run(raw, flush: Z_FINISH, into: &out)
        }
        return out
    }

    /// Compresses raw bytes (no ByteBuffer) with `flush`, appending to `out`.
    public func compress(bytes raw: UnsafeRawBufferPointer, finish: Bool, into out: inout ByteBuffer) throws(CompressionError) {
        precondition(!finished, "GzipCompressor used after finish()")
        if finish { finished = true }
        try run(raw, flush: finish ? Z_FINISH : Z_NO_FLUSH, into: &out)
    }

    private func run(_ raw: UnsafeRawBufferPointer, flush: Int32, into out: inout ByteBuffer) throws(CompressionError) {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: raw.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(raw.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        // zlib's idiom: call deflate until it leaves output space unused (all input consumed and
        // pending output flushed); with Z_FINISH, until Z_STREAM_END.
        while true {
            if out.writableBytes < 4096 { out.reserveCapacity(minimumWritableBytes: max(out.capacity / 2, 4096)) }
            var rc: Int32 = Z_OK
            var outputFull = false
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { w in
                stream.pointee.next_out = w.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(w.count)
                rc = deflate(stream, flush)
                outputFull = stream.pointee.avail_out == 0
                let written = w.count - Int(stream.pointee.avail_out)
                stream.pointee.next_out = nil
                stream.pointee.avail_out = 0
                return written
            }
            switch rc {
            case Z_STREAM_END:
                return
            case Z_OK, Z_BUF_ERROR:  // Z_BUF_ERROR: no progress possible this call; not fatal.
                if flush != Z_FINISH && !outputFull { return }
            default:
                throw CompressionError(code: rc, operation: "deflate()")
            }
        }
    }

    // MARK: - One-shot helpers

    /// Compresses a whole buffer into one gzip member.
    public static func compress(_ input: ByteBuffer, level: Int = 1, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(CompressionError) -> ByteBuffer {
        let c = try GzipCompressor(level: level)
        var out = allocator.buffer(capacity: input.readableBytes / 3 + 64)
        try input.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) throws(CompressionError) in
            try c.compress(bytes: raw, finish: true, into: &out)
        }
        return out
    }

    /// Compresses `length` bytes of `descriptor` from `offset` (read with `pread`, 64 KiB at a
    /// time). **Blocking**: run it on a thread pool. Throws when the file is shorter than
    /// announced (it changed under us), so a truncated body is never cached as complete.
    public static func compress(descriptor: CInt, offset: Int64 = 0, length: Int64, level: Int = 1,
                                allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(CompressionError) -> ByteBuffer {
        let c = try GzipCompressor(level: level)
        var out = allocator.buffer(capacity: Int(min(length, 1 << 30)) / 3 + 64)
        let chunk = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(chunk), length - done))
            let n = pread(descriptor, buffer.baseAddress, want, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw CompressionError(code: errno, operation: "pread()")
            }
            if n == 0 { throw CompressionError(code: 0, operation: "pread() hit end of file early") }
            done += Int64(n)
            try c.compress(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<n]), finish: done >= length, into: &out)
        }
        if length == 0 { try c.compress(bytes: UnsafeRawBufferPointer(start: nil, count: 0), finish: true, into: &out) }
        return out
    }
}
