// swhost: SWHostStaticTests.

import Foundation
import SWHostHTTPCore
import SWHostStatic
import Testing

@Suite struct GzipStaticTests {
    func setup(gzMtime: Int64?, originalMtime: Int64 = 1_700_000_000) throws -> (TemporaryDirectory, OpenFile, OpenFileCache) {
        let dir = try TemporaryDirectory()
        try dir.write("app.css", "body{}")
        dir.setMtime("app.css", originalMtime)
        if let gzMtime {
            try dir.write("app.css.gz", Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]))
            dir.setMtime("app.css.gz", gzMtime)
        }
        let cache = OpenFileCache()
        guard case .file(let f) = cache.open(root: dir.path, path: "/app.css") else { throw POSIXError(.ENOENT) }
        return (dir, f, cache)
    }

    func isGzip(_ c: GzipStatic.Choice) -> Bool {
        if case .gzip = c { return true }
        return false
    }

    /// nginx docs (ngx_http_gzip_static_module): `on` needs a client that accepts gzip; `always`
    /// sends the .gz regardless. swhost adds: the .gz must be at least as new as the original.
    @Test(arguments: [
        (GzipStatic.Mode.on, true, Int64?.some(1_700_000_000), true),
        (.on, true, 1_700_000_500, true),
        (.on, false, 1_700_000_500, false),
        (.always, false, 1_700_000_500, true),
        (.off, true, 1_700_000_500, false),
        (.on, true, 1_600_000_000, false),  // stale .gz
        (.always, true, 1_600_000_000, false),
        (.on, true, nil, false),  // missing .gz
        (.always, true, nil, false),
    ])
    func choosesTheVariant(mode: GzipStatic.Mode, accepts: Bool, gzMtime: Int64?, expectGzip: Bool) throws {
        let (dir, original, cache) = try setup(gzMtime: gzMtime)
        let c = GzipStatic.choose(original: original, root: dir.path, path: "/app.css", mode: mode, clientAcceptsGzip: accepts, cache: cache)
        #expect(isGzip(c) == expectGzip)
        if case .gzip(let gz) = c { #expect(gz.size == 10) }
    }

    @Test func directoryNamedGzIsIgnored() throws {
        let (dir, original, cache) = try setup(gzMtime: nil)
        try dir.mkdir("app.css.gz")
        let c = GzipStatic.choose(original: original, root: dir.path, path: "/app.css", mode: .always, clientAcceptsGzip: true, cache: cache)
        #expect(!isGzip(c))
    }
}
