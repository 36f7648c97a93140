import Testing

@testable import SWHostHTTPCore

/// Decodes `text` fully; returns the body, or nil on a framing error, or "<more>" when incomplete.
func dechunk(_ text: String) -> String? {
    var decoder = ChunkedBodyDecoder()
    let bytes = Array(text.utf8)
    var out = [UInt8]()
    var offset = 0
    return bytes.withUnsafeBytes { buf -> String? in
        while true {
            let (event, consumed) = decoder.decode(buf, from: offset)
            offset += consumed
            switch event {
            case .data(let r): out += bytes[r]
            case .end: return String(decoding: out, as: UTF8.self)
            case .needMore: return "<more>"
            case .failure: return nil
            }
        }
    }
}

@Suite struct ChunkedBodyDecoderTests {
    /// RFC 9112 §7.1: hex sizes, optional extensions, trailer section, CRLF after data.
    @Test(arguments: [
        ("5\r\nhello\r\n0\r\n\r\n", "hello"),
        ("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        ("A\r\n0123456789\r\n0\r\nTrailer: x\r\nMore: y\r\n\r\n", "0123456789"),
        ("000003\r\nabc\r\n0\r\n\r\n", "abc"),
        ("3\nabc\n0\n\n", "abc"),
        ("3\r\nabc\r\n", "<more>"),
    ])
    func validBodiesDecode(wire: String, body: String) {
        #expect(dechunk(wire) == body)
    }

    @Test(arguments: [
        "x\r\nabc\r\n0\r\n\r\n",
        "-3\r\nabc\r\n0\r\n\r\n",
        " 3\r\nabc\r\n0\r\n\r\n",
        "3\r\nabcX\r\n0\r\n\r\n",
        "1000000000000000\r\n",          // 16 hex digits: overflow territory
        "ffffffffffffffffff\r\n",
        "3\r\nabc\r\n0\r\n\r",
    ])
    func badFramingFails(wire: String) {
        let r = dechunk(wire)
        #expect(r == nil || (wire.hasSuffix("\r") && r == "<more>"))
    }
}
