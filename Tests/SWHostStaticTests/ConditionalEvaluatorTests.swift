// swhost: SWHostStaticTests.

import SWHostHTTPCore
import SWHostStatic
import Testing

@Suite struct ConditionalEvaluatorTests {
    static let mtime: Int64 = 784_111_777
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"
    static let later = "Sun, 06 Nov 1994 08:49:38 GMT"
    static let earlier = "Sun, 06 Nov 1994 08:49:36 GMT"
    static let etag = ETag(mtime: mtime, size: 0x124)

    @Test func etagHasNginxFormat() {
        // nginx: "%xT-%xO" of mtime and size (ngx_http_set_etag).
        #expect(ETag(mtime: 0x6b024976, size: 0x124).value == "\"6b024976-124\"")
        #expect(ETag(mtime: 0x6b024976, size: 0x124, weak: true).value == "W/\"6b024976-124\"")
        #expect(ETag(mtime: 1, size: 0).weakened.value == "W/\"1-0\"")
        #expect(ETag(mtime: 1, size: 0).isWeak == false)
    }

    typealias Row = (String, ConditionalEvaluator.Request, ConditionalEvaluator.IfModifiedSincePolicy, ConditionalEvaluator.Decision)

    /// RFC 9110 §13.1 / §13.2.2 and nginx 1.22's ngx_http_not_modified_filter_module.c, verified
    /// against a running nginx 1.22.1 with `curl -H`.
    static let rows: [Row] = [
        ("no conditionals", .init(), .exact, .proceed),
        ("IMS exact match → 304", .init(ifModifiedSince: date), .exact, .notModified),
        ("IMS later, exact policy → 200", .init(ifModifiedSince: later), .exact, .proceed),
        ("IMS later, before policy → 304", .init(ifModifiedSince: later), .before, .notModified),
        ("IMS earlier, before policy → 200", .init(ifModifiedSince: earlier), .before, .proceed),
        ("IMS off → 200", .init(ifModifiedSince: date), .off, .proceed),
        ("IMS unparsable → 200", .init(ifModifiedSince: "yesterday"), .exact, .proceed),
        ("INM match → 304", .init(ifNoneMatch: etag.value), .exact, .notModified),
        ("INM weak form matches (weak comparison)", .init(ifNoneMatch: "W/" + etag.value), .exact, .notModified),
        ("INM list with match", .init(ifNoneMatch: "\"x\", " + etag.value + " , \"y\""), .exact, .notModified),
        ("INM list without match", .init(ifNoneMatch: "\"x\", \"y\""), .exact, .proceed),
        ("INM star", .init(ifNoneMatch: "*"), .exact, .notModified),
        ("INM + IMS both match → 304", .init(ifNoneMatch: etag.value, ifModifiedSince: date), .exact, .notModified),
        ("INM match but IMS not → 200 (nginx needs both)", .init(ifNoneMatch: etag.value, ifModifiedSince: earlier), .exact, .proceed),
        ("IMS match but INM not → 200", .init(ifNoneMatch: "\"zz\"", ifModifiedSince: date), .exact, .proceed),
        ("INM match on POST → 412 (RFC 9110 §13.1.2)", .init(isGetOrHead: false, ifNoneMatch: etag.value), .exact, .preconditionFailed),
        ("IUMS equal → proceed", .init(ifUnmodifiedSince: date), .exact, .proceed),
        ("IUMS later → proceed", .init(ifUnmodifiedSince: later), .exact, .proceed),
        ("IUMS earlier → 412", .init(ifUnmodifiedSince: earlier), .exact, .preconditionFailed),
        ("IUMS unparsable → 412 (nginx)", .init(ifUnmodifiedSince: "garbage"), .exact, .preconditionFailed),
        ("IM star → proceed", .init(ifMatch: "*"), .exact, .proceed),
        ("IM strong match → proceed", .init(ifMatch: etag.value), .exact, .proceed),
        ("IM in list → proceed", .init(ifMatch: "\"a\",\t" + etag.value), .exact, .proceed),
        ("IM weak form does not match a strong tag → 412", .init(ifMatch: "W/" + etag.value), .exact, .preconditionFailed),
        ("IM mismatch → 412", .init(ifMatch: "\"nope\""), .exact, .preconditionFailed),
        ("IM failure wins over INM", .init(ifMatch: "\"nope\"", ifNoneMatch: etag.value), .exact, .preconditionFailed),
    ]

    @Test(arguments: rows)
    func evaluatesLikeNginx(row: Row) {
        let (name, request, policy, expected) = row
        let d = ConditionalEvaluator(policy: policy).evaluate(request, etag: Self.etag, lastModified: Self.mtime)
        #expect(d == expected, "\(name)")
    }

    @Test func etagOffMeansTagConditionsFail() {
        let e = ConditionalEvaluator()
        #expect(e.evaluate(.init(ifNoneMatch: Self.etag.value), etag: nil, lastModified: Self.mtime) == .proceed)
        #expect(e.evaluate(.init(ifMatch: Self.etag.value), etag: nil, lastModified: Self.mtime) == .preconditionFailed)
        #expect(e.evaluate(.init(ifMatch: "*"), etag: nil, lastModified: Self.mtime) == .proceed)
    }

    @Test func unknownLastModifiedNeverYields304FromDates() {
        let e = ConditionalEvaluator()
        #expect(e.evaluate(.init(ifModifiedSince: Self.date), etag: nil, lastModified: nil) == .proceed)
        #expect(e.evaluate(.init(ifUnmodifiedSince: Self.date), etag: nil, lastModified: nil) == .preconditionFailed)
    }

    @Test func weakEntityTagOnlyMatchesIfMatchByteForByte() {
        let weak = Self.etag.weakened
        #expect(ConditionalEvaluator.matches(list: weak.value, etag: weak, weak: false))
        #expect(!ConditionalEvaluator.matches(list: Self.etag.value, etag: weak, weak: false))
        #expect(ConditionalEvaluator.matches(list: Self.etag.value, etag: weak, weak: true))
    }
}
