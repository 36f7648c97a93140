// swhost: test support.

import CZlib

/// Why ``gunzip(_:)`` refused its input: zlib's return code, or -2 for bytes after the stream.
public struct GunzipError: Error, CustomStringConvertible {
    public var code: Int32
    public var description: String { "gunzip failed (zlib \(code))" }
}

/// Decompresses one complete gzip stream with zlib (window bits 31: the gzip wrapper is
/// required), so a round trip checks the header, the data and the CRC32/ISIZE trailer; a
/// truncated stream or trailing bytes are errors.
public func gunzip(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard czlib_inflateInit2(&stream, 31) == Z_OK else { throw GunzipError(code: -1) }
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
            if rc != Z_OK && rc != Z_STREAM_END { throw GunzipError(code: rc) }
            if rc == Z_OK && stream.avail_in == 0 && produced == 0 { throw GunzipError(code: Z_BUF_ERROR) }  // truncated
        } while rc != Z_STREAM_END
        if stream.avail_in != 0 { throw GunzipError(code: -2) }  // trailing garbage
    }
    return out
}
