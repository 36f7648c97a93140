// swhost: SWHostStaticTests.

import Foundation
import SWHostHTTPCore
import Testing

@Suite struct HTTPDateTests {
    /// RFC 9110 §5.6.7's example instant, 784111777 = Sun, 06 Nov 1994 08:49:37 GMT.
    @Test(arguments: [
        (Int64(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT"),
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),  // leap day of a 400-year
        (4_107_542_400, "Mon, 01 Mar 2100 00:00:00 GMT"),  // 2100 is not a leap year
        (2_147_483_647, "Tue, 19 Jan 2038 03:14:07 GMT"),
        (4_294_967_296, "Sun, 07 Feb 2106 06:28:16 GMT"),
        (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
    ])
    func formatsIMFFixdate(seconds: Int64, expected: String) {
        #expect(HTTPDate.format(seconds) == expected)
    }

    @Test func formatAgreesWithStrftimeOverManyInstants() {
        var t: Int64 = 0
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            t = Int64.random(in: 0...8_000_000_000, using: &rng)
            var tt = time_t(t)
            var tmv = tm()
            gmtime_r(&tt, &tmv)
            var buf = [CChar](repeating: 0, count: 64)
            let n = strftime(&buf, 64, "%a, %d %b %Y %H:%M:%S GMT", &tmv)
            let expected = String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #expect(HTTPDate.format(t) == expected, "t=\(t)")
            #expect(HTTPDate.parse(expected) == t)
        }
    }

    /// The three forms RFC 9110 §5.6.7 requires recipients to accept, as nginx's ngx_parse_http_time reads them.
    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", Int64(784_111_777)),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
        ("Sun Nov  6 08:49:37 1994", 784_111_777),
        ("Sun Nov 6 08:49:37 1994", 784_111_777),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("Friday, 01-Jan-70 00:00:00 GMT", 0),  // two-digit years >= 70 are 19xx
        ("Wednesday, 01-Jan-69 00:00:00 GMT", 3_124_224_000),  // < 70 are 20xx
        ("Tue, 29 Feb 2000 00:00:00 GMT", 951_782_400),
        ("Sun, 06 Nov 1994 08:49:37", 784_111_777),  // nginx ignores what follows the time
        ("Sun,  06 Nov 1994 08:49:37 GMT", 784_111_777),  // extra spaces after the comma
        ("Xyz, 06 Nov 1994 08:49:37 GMT", 784_111_777),  // weekday not checked
    ])
    func parsesLikeNginx(value: String, expected: Int64) {
        #expect(HTTPDate.parse(value) == expected)
    }

    @Test(arguments: [
        "", "garbage", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 31 Apr 1994 08:49:37 GMT", "Wed, 29 Feb 2023 00:00:00 GMT", "Wed, 29 Feb 2100 00:00:00 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Xxx 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT", "Sun Nov  6 08:49:37", "1994-11-06T08:49:37Z",
    ])
    func rejectsWhatNginxRejects(value: String) {
        #expect(HTTPDate.parse(value) == nil)
    }

    @Test func componentsBreakDownUTC() {
        let c = HTTPDate.Components(epochSeconds: 784_111_777)
        #expect(c == HTTPDate.Components(epochSeconds: 784_111_777))
        let fields: [Int] = [c.year, c.month, c.day, c.hour, c.minute, c.second, c.weekday]
        #expect(fields == [1994, 11, 6, 8, 49, 37, 0])
        #expect(HTTPDate.epochSeconds(year: 1994, month: 11, day: 6, hour: 8, minute: 49, second: 37) == 784_111_777)
    }
}
