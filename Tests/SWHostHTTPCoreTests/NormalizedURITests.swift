import Testing

@testable import SWHostHTTPCore

@Suite struct NormalizedURITests {
    /// Expected values were read off nginx 1.22 (`$uri` / `$args` via `return 200 "$uri|$args"`).
    @Test(arguments: [
        ("/", "/", ""),
        ("/a/b.html?x=1&y=2", "/a/b.html", "x=1&y=2"),
        ("/a//b///c", "/a/b/c", ""),
        ("/a/./b/../c", "/a/c", ""),
        ("/a/%2e%2e/b", "/b", ""),
        ("/a/b/..", "/a/", ""),
        ("/a/b/.", "/a/b/", ""),
        ("/%2F", "/", ""),
        ("/a%3Fb?c", "/a?b", "c"),
        ("/a\\..\\b", "/a\\..\\b", ""),
        ("/%41%62", "/Ab", ""),
        ("/a%25b", "/a%b", ""),
        ("/...", "/...", ""),
        ("/a/..b", "/a/..b", ""),
        ("/a?b?c", "/a", "b?c"),
        ("/a/b/%2e", "/a/b/", ""),
        ("/a/.%2e", "/", ""),
        ("/a//..", "/", ""),
        ("/a/b//../c", "/a/c", ""),
        ("/a/../../b?x", "", ""),
    ])
    func pathsNormaliseLikeNginx(target: String, path: String, args: String) {
        let uri = try? NormalizedURI(target: target)
        if path.isEmpty {
            #expect(uri == nil)
        } else {
            #expect(uri?.path == path)
            #expect(uri?.args == args)
            #expect(uri?.requestURI == target)
        }
    }

    @Test(arguments: [
        ("/..", NormalizedURI.Failure.aboveRoot),
        ("/../a", .aboveRoot),
        ("/a/../..", .aboveRoot),
        ("/%2e%2e/", .aboveRoot),
        ("/%00", .nul),
        ("/a%zz", .badPercentEncoding),
        ("/a%4", .badPercentEncoding),
        ("a", .notAbsolutePath),
    ])
    func badTargetsAreRefused(target: String, failure: NormalizedURI.Failure) {
        #expect(throws: failure) { try NormalizedURI(target: target) }
    }

    @Test func mergeSlashesOffKeepsThem() throws {
        #expect(try NormalizedURI(target: "/a//b", mergeSlashes: false).path == "/a//b")
    }

    @Test func queryMarkIsRecorded() throws {
        #expect(try NormalizedURI(target: "/a?").hasQuery)
        #expect(try !NormalizedURI(target: "/a").hasQuery)
    }
}
