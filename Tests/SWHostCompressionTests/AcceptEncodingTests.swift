// swhost: SWHostCompressionTests.

import SWHostCompression
import Testing

@Suite struct AcceptEncodingTests {
    /// RFC 9110 §12.5.3 (Accept-Encoding), §12.4.2 (qvalues) and nginx 1.22's
    /// ngx_http_gzip_accept_encoding (`*` does not enable gzip).
    @Test(arguments: [
        ("gzip", true),
        ("GZIP", true),
        ("gzip, deflate, br", true),
        ("br, gzip", true),
        ("deflate,gzip", true),
        ("gzip;q=1.0", true),
        ("gzip;q=0.001", true),
        ("gzip ; q=0.5", true),
        ("gzip;Q=0.5", true),
        ("gzip;q=0", false),
        ("gzip;q=0.000", false),
        ("br, gzip;q=0", false),
        ("gzip;q=1.5", false),  // malformed qvalue: declined (nginx)
        ("gzip;q=abc", false),
        ("x-gzip", true),  // RFC 9110 §8.4.1.3
        ("x-gzip;q=0", false),
        ("*", false),  // nginx: * alone does not enable gzip
        ("*;q=1", false),
        ("identity", false),
        ("deflate, br", false),
        ("gzipfoo", false),
        ("notgzip", false),
        ("", false),
    ])
    func gzipAllowedTable(header: String, allowed: Bool) {
        #expect(AcceptEncoding.gzipAllowed(header) == allowed, "\(header)")
    }

    @Test func absentHeaderRefuses() {
        #expect(AcceptEncoding.gzipAllowed(nil) == false)
    }
}
