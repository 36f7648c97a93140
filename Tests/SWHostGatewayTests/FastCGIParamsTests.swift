import NIOCore
import SWHostGateway
import Testing

/// PARAMS encoded as they are added (FastCGI specification §3.4 name-value pairs; RFC 3875
/// §4.1.18 for the HTTP_* names).
@Suite struct FastCGIParamsTests {
    /// §3.4: a length below 128 is one byte; 300 is four bytes, high bit set (0x80 0x00 0x01 0x2C).
    @Test func appendEncodesNameValuePairsAsTheSpecSays() {
        let long = String(repeating: "x", count: 300)
        var params = FastCGIParams()
        params.append("REQUEST_METHOD", "GET")
        params.append("QUERY_STRING", long)
        params.append("EMPTY", "")
        let expected: [UInt8] = [14, 3] + Array("REQUEST_METHOD".utf8) + Array("GET".utf8)
            + [12, 0x80, 0x00, 0x01, 0x2C] + Array("QUERY_STRING".utf8) + Array(long.utf8)
            + [5, 0] + Array("EMPTY".utf8)
        #expect(Array(params.buffer.readableBytesView) == expected)
    }

    @Test(arguments: [
        ("User-Agent", "HTTP_USER_AGENT"), ("x-forwarded-for", "HTTP_X_FORWARDED_FOR"), ("Accept", "HTTP_ACCEPT"),
        ("X_Under", "HTTP_X_UNDER"), ("dnt", "HTTP_DNT"),
    ])
    func headerNamesBecomeCGIVariables(header: String, variable: String) {
        var params = FastCGIParams()
        params.appendHeader(header, "v")
        #expect(params.pairs.map(\.name) == [variable])
        #expect(params.pairs.map(\.value) == ["v"])
    }

    @Test func settingReplacesEveryEarlierValueInPlaceOrAppends() {
        var params = FastCGIParams()
        params.append("A", "1")
        params.append("CONTENT_LENGTH", "")
        params.append("B", "2")
        params.append("CONTENT_LENGTH", "old")
        let set = params.setting("CONTENT_LENGTH", "42")
        #expect(set.pairs.map(\.name) == ["A", "CONTENT_LENGTH", "B"])
        #expect(set.pairs.map(\.value) == ["1", "42", "2"])
        let appended = params.setting("NEW", "x")
        #expect(appended.pairs.last?.name == "NEW")
        #expect(appended.pairs.count == 5)
    }

    @Test func invocationFromPairsKeepsTheirOrder() {
        let invocation = FastCGIInvocation(address: .unix(path: "/x"), params: [("B", "2"), ("A", "1")])
        #expect(invocation.params.map(\.name) == ["B", "A"])
    }

    @Test(arguments: [
        (FastCGIAddress.unix(path: "/run/php/php8.2-fpm.sock"), "fastcgi://unix:/run/php/php8.2-fpm.sock:"),
        (FastCGIAddress.inet(host: "127.0.0.1", port: 9000), "fastcgi://127.0.0.1:9000"),
    ])
    func upstreamNamesAsNginxLogsThem(address: FastCGIAddress, name: String) {
        #expect(address.logName == name)
    }
}
