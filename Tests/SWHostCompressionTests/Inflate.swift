// swhost: SWHostCompressionTests.

import CZlib
import NIOCore

struct InflateError: Error {
    var code: Int32
}

/// Decompresses a complete gzip stream with zlib (window bits 31: gzip wrapper required), so a
/// round trip checks the header, the data and the CRC32/ISIZE trailer.
func gunzip(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard czlib_inflateInit2(&stream, 31) == Z_OK else { throw InflateError(code: -1) }
    defer { inflateEnd(&stream) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    var input = input
    var rc: Int32 = Z_OK
    try input.withUnsafeMutableBufferPointer { inBuf in
        stream.next_in = inBuf.baseAddress
        stream.avail_in = uInt(inBuf.count)
        repeat {
            let produced: Int = chunk.withUnsafeMutableBufferPointer { outBuf in
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                rc = inflate(&stream, Z_NO_FLUSH)
                return outBuf.count - Int(stream.avail_out)
            }
            out += chunk[0..<produced]
            if rc != Z_OK && rc != Z_STREAM_END { throw InflateError(code: rc) }
            if rc == Z_OK && stream.avail_in == 0 && produced == 0 { throw InflateError(code: Z_BUF_ERROR) }  // truncated
        } while rc != Z_STREAM_END
        if stream.avail_in != 0 { throw InflateError(code: -2) }  // trailing garbage
    }
    return out
}

func bytes(_ b: ByteBuffer) -> [UInt8] { Array(b.readableBytesView) }

/// Deterministic, compressible test data: CSS-like text.
func sampleText(_ count: Int) -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while out.count < count {
        out += Array(".rule-\(i % 97) { color: #\(String(i * 7919 % 0xffffff, radix: 16)); margin: \(i % 13)px; }\n".utf8)
        i += 1
    }
    return Array(out.prefix(count))
}

/// Incompressible bytes (xorshift).
func noise(_ count: Int, seed: UInt64 = 0x9E3779B97F4A7C15) -> [UInt8] {
    var x = seed
    var out = [UInt8]()
    out.reserveCapacity(count)
    for _ in 0..<count {
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        out.append(UInt8(truncatingIfNeeded: x))
    }
    return out
}
