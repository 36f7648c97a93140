import NIOCore
import SWHostGateway
import Testing

/// PARAMS encoded as they are added (FastCGI specification §3.4 name-value pairs; RFC 3875
/// §4.1.18 for the HTTP_* names).
@Suite struct FastCGIParamsTests {
    @Test func appendEncodesTheSameBytesAsThePairEncoder() {
        let long = String(repeating: "x", count: 300)
        var params = FastCGIParams()
        params.append("REQUEST_METHOD", "GET")
        params.append("QUERY_STRING", long)
        params.append("EMPTY", "")
        let expected = FastCGIRecord.encodeParams([("REQUEST_METHOD", "GET"), ("QUERY_STRING", long), ("EMPTY", "")])
        #expect(params.buffer == expected)
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
