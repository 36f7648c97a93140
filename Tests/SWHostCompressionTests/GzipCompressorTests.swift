// swhost: SWHostCompressionTests.

import CZlib
import Foundation
import NIOCore
import SWHostCompression
import SWHostTesting
import Testing

@Suite struct GzipCompressorTests {
    @Test(arguments: 1...9)
    func oneShotRoundTripsAtEveryLevel(level: Int) throws {
        let input = sampleText(200_000)
        let gz = try GzipCompressor.compress(ByteBuffer(bytes: input), level: level)
        let out = bytes(gz)
        #expect(out.prefix(3) == [0x1f, 0x8b, 0x08])  // RFC 1952 magic + deflate
        #expect(out.count < input.count / 3)
        #expect(try gunzip(out) == input)
    }

    @Test(arguments: [0, 1, 100, 65_535, 65_536, 1_000_003])
    func streamingChunksRoundTrip(size: Int) throws {
        let input = sampleText(size / 2) + noise(size - size / 2)
        let c = try GzipCompressor(level: 6)
        var out: [UInt8] = []
        var offset = 0
        var chunkSize = 1
        while offset < input.count {
            let n = min(chunkSize, input.count - offset)
            out += bytes(try c.compress(ByteBuffer(bytes: input[offset..<(offset + n)])))
            offset += n
            chunkSize = chunkSize * 3 + 1  // uneven chunk sizes
        }
        out += bytes(try c.finish())
        #expect(try gunzip(out) == input)
    }

    @Test func levelsTradeSizeForSpeed() throws {
        let input = ByteBuffer(bytes: sampleText(300_000))
        let fast = try GzipCompressor.compress(input, level: 1).readableBytes
        let best = try GzipCompressor.compress(input, level: 9).readableBytes
        #expect(best <= fast)
    }

    @Test func syncFlushMakesOutputDecodableMidStream() throws {
        let c = try GzipCompressor(level: 1)
        let part = try c.flush(ByteBuffer(string: "hello "))
        #expect(part.readableBytes > 0)
        // Everything so far inflates (partial stream, no trailer yet).
        var stream = z_stream()
        #expect(czlib_inflateInit2(&stream, 31) == Z_OK)
        var input = bytes(part)
        var out = [UInt8](repeating: 0, count: 64)
        let produced = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                _ = inflate(&stream, Z_SYNC_FLUSH)
                return o.count - Int(stream.avail_out)
            }
        }
        inflateEnd(&stream)
        #expect(Array(out.prefix(produced)) == Array("hello ".utf8))
        let rest = try c.finish(ByteBuffer(string: "world"))
        #expect(try gunzip(bytes(part) + bytes(rest)) == Array("hello world".utf8))
    }

    @Test func compressesAFileRegionWithPread() throws {
        let path = NSTemporaryDirectory() + "swhost-gz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let input = sampleText(300_000)
        try Data(input).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let all = try GzipCompressor.compress(descriptor: fd, length: Int64(input.count), level: 5)
        #expect(try gunzip(bytes(all)) == input)
        let part = try GzipCompressor.compress(descriptor: fd, offset: 1000, length: 70_000)
        #expect(try gunzip(bytes(part)) == Array(input[1000..<71_000]))
        let empty = try GzipCompressor.compress(descriptor: fd, length: 0)
        #expect(try gunzip(bytes(empty)) == [])
        // A file shorter than announced (changed under us) is an error, not a short body.
        #expect(throws: CompressionError.self) { try GzipCompressor.compress(descriptor: fd, length: Int64(input.count) + 10) }
    }

    @Test func streamWrapsAChunkSourceWithoutBuffering() async throws {
        let input = sampleText(500_000)
        let chunks = stride(from: 0, to: input.count, by: 16_384).map { ByteBuffer(bytes: input[$0..<min($0 + 16_384, input.count)]) }
        let source = ChunkSource(chunks)
        let gz = try GzipStream(level: 1) { await source.next() }
        var out: [UInt8] = []
        var pieces = 0
        while let chunk = try await gz.next() {
            #expect(chunk.readableBytes > 0)
            out += bytes(chunk)
            pieces += 1
        }
        #expect(pieces > 1)  // emitted progressively, not once at the end
        #expect(try await gz.next() == nil)
        #expect(try gunzip(out) == input)
    }
}

actor ChunkSource {
    private var chunks: [ByteBuffer]
    init(_ chunks: [ByteBuffer]) { self.chunks = chunks }
    func next() -> ByteBuffer? { chunks.isEmpty ? nil : chunks.removeFirst() }
}
