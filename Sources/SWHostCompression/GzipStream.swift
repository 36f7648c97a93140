// swhost: compression.

import NIOCore

/// On-the-fly gzip of a body produced over time: pulls chunks from `source`, returns
/// compressed chunks, then the trailer, then nil. It has the shape of SWHostHTTPCore's
/// `ResponseBodyStream` (`func next() async throws -> ByteBuffer?`), so the filter layer
/// conforms it with a one-line extension (this module does not depend on the transport).
///
/// Memory stays bounded by one source chunk plus zlib's window: no whole-body buffering.
/// Empty compressed chunks are skipped (deflate buffers small inputs), so every returned chunk
/// has bytes.
// @unchecked Sendable: the compressor is mutated only inside `next()`, and a body stream has one
// consumer that awaits each `next()` before calling it again (the ResponseBodyStream contract).
public final class GzipStream: @unchecked Sendable {
    private let source: @Sendable () async throws -> ByteBuffer?
    private let compressor: GzipCompressor
    private let allocator: ByteBufferAllocator
    private var done = false

    /// - Parameters:
    ///   - level: `gzip_comp_level`.
    ///   - source: the uncompressed body's `next()`.
    public init(level: Int = 1, allocator: ByteBufferAllocator = ByteBufferAllocator(),
                source: @escaping @Sendable () async throws -> ByteBuffer?) throws(CompressionError) {
        self.source = source
        self.compressor = try GzipCompressor(level: level)
        self.allocator = allocator
    }

    /// The next compressed chunk, or nil after the trailer.
    public func next() async throws -> ByteBuffer? {
        while !done {
            if let chunk = try await source() {
                let out = try compressor.compress(chunk, allocator: allocator)
                if out.readableBytes > 0 { return out }
            } else {
                done = true
                return try compressor.finish(allocator: allocator)
            }
        }
        return nil
    }
}
