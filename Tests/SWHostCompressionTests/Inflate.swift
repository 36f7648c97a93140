// swhost: SWHostCompressionTests.

import CZlib
import NIOCore
import SWHostTesting

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
