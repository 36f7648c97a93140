// swhost: SWHostStaticTests.

import Foundation
import NIOPosix
import SWHostHTTPCore
@testable import SWHostStatic
import Synchronization
import Testing

@Suite struct MIMETypeMapTests {
    static let map = MIMETypeMap([
        (type: "text/html", extensions: ["html", "htm", "shtml"]),
        (type: "text/css", extensions: ["css"]),
        (type: "image/jpeg", extensions: ["jpeg", "jpg"]),
        (type: "application/x-tar", extensions: ["tar"]),
        (type: "application/gzip", extensions: ["gz"]),
        (type: "application/octet-stream", extensions: ["bin"]),
        (type: "application/x-binary", extensions: ["bin"]),  // duplicate: later wins, as nginx
    ])

    @Test(arguments: [
        ("/index.html", "text/html"), ("/INDEX.HTML", "text/html"), ("/a/b.JpG", "image/jpeg"),
        ("/x.tar.gz", "application/gzip"), ("/style.css", "text/css"), ("/.htm", "text/html"),
        ("/bin/x.bin", "application/x-binary"),
    ])
    func knownExtensionsCaseInsensitive(path: String, type: String) {
        #expect(Self.map.type(forPath: path) == type)
    }

    @Test(arguments: ["/README", "/dir.html/file", "/file.", "/a.unknown", "/"])
    func unknownOrAbsentExtension(path: String) {
        #expect(Self.map.type(forPath: path) == nil)
    }

    @Test func nginxMimeTypesFileLoads() throws {
        // Parse /etc/nginx/mime.types crudely (the config module owns the real parser).
        guard let text = try? String(contentsOfFile: "/etc/nginx/mime.types", encoding: .utf8) else { return }
        var pairs: [(type: String, extensions: [String])] = []
        for stmt in text.components(separatedBy: ";") {
            let words = stmt.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "{" || $0 == "}" }).map(String.init)
                .filter { $0 != "types" }
            if words.count >= 2 { pairs.append((words[0], Array(words.dropFirst()))) }
        }
        let map = MIMETypeMap(pairs)
        #expect(map.type(forPath: "/a.svg") == "image/svg+xml")
        #expect(map.type(forPath: "/a.js") == "application/javascript")
        #expect(map.type(forPath: "/a.WOFF2") == "font/woff2")
        #expect(map.count > 80)
    }
}

@Suite struct MagicSnifferTests {
    static func png() -> Data {
        // A valid 1x1 PNG (signature, IHDR, IDAT, IEND).
        let hex = "89504e470d0a1a0a0000000d49484452000000010000000108020000009077" + "53de0000000c4944415478da63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
        var d = Data()
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            d.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return d
    }

    static let pdf = "%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

    @Test func sniffsFilesWithoutExtensions() throws {
        let dir = try TemporaryDirectory()
        try dir.write("image", Self.png())
        try dir.write("document", Self.pdf)
        try dir.write("notes", "hello world\nplain text here\n")
        try dir.write("utf8", "h\u{e9}llo w\u{f6}rld, plain text\n")
        try dir.write("page", "<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>hi</p></body></html>\n")
        try dir.write("empty", "")
        let sniffer = MagicSniffer()
        try sniffer.preload()
        let resolver = PathResolver()
        func sniff(_ name: String) -> String? {
            guard case .file(let f) = resolver.resolve(root: dir.path, path: "/" + name) else { return "not opened" }
            return sniffer.sniff(file: f)
        }
        #expect(sniff("image") == "image/png")
        #expect(sniff("document") == "application/pdf")
        #expect(sniff("notes") == "text/plain; charset=utf-8")
        #expect(sniff("utf8") == "text/plain; charset=utf-8")
        #expect(sniff("page") == "text/html; charset=utf-8")
        #expect(sniff("empty") == nil)
    }

    @Test func resultsAreCachedPerIdentityAndRefreshedOnChange() throws {
        let dir = try TemporaryDirectory()
        try dir.write("f", "plain text\n")
        // No preload: the first sniff loads the database.
        let sniffer = MagicSniffer(cacheEntries: 2)
        let resolver = PathResolver(rootRevalidation: 0)
        guard case .file(let a) = resolver.resolve(root: dir.path, path: "/f") else { return }
        #expect(sniffer.sniff(file: a) == "text/plain; charset=utf-8")
        #expect(sniffer.cachedCount == 1)
        #expect(sniffer.sniff(file: a) == "text/plain; charset=utf-8")
        #expect(sniffer.cachedCount == 1)
        try dir.write("f", Self.png())
        dir.setMtime("f", 2_000_000_000)
        guard case .file(let b) = resolver.resolve(root: dir.path, path: "/f") else { return }
        #expect(sniffer.sniff(file: b) == "image/png")
        #expect(sniffer.cachedCount == 2)
        try dir.write("g", Self.pdf)
        guard case .file(let c) = resolver.resolve(root: dir.path, path: "/g") else { return }
        _ = sniffer.sniff(file: c)
        #expect(sniffer.cachedCount == 2)  // bounded
    }

    @Test func anUnloadableDatabaseIsReportedOnceAndSniffsAnswerNil() throws {
        let dir = try TemporaryDirectory()
        try dir.write("p", Self.png())
        let failures = Mutex<[String]>([])
        let sniffer = MagicSniffer(handles: 1, database: dir.path + "/missing.mgc",
                                   onLoadFailure: { message in failures.withLock { $0.append(message) } })
        #expect(throws: MagicSniffer.Error.self) { try sniffer.preload() }
        guard case .file(let f) = PathResolver().resolve(root: dir.path, path: "/p") else {
            Issue.record("p not opened")
            return
        }
        #expect(sniffer.sniff(file: f) == nil)
        #expect(sniffer.sniff(bytes: UnsafeRawBufferPointer(start: nil, count: 0)) == nil)
        let reported = failures.withLock { $0 }
        #expect(reported.count == 1)
        #expect(reported.first?.hasPrefix("magic_load() failed") == true)
    }

    @Test func asyncEntryPointRunsOnThreadPool() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("p", Self.png())
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let sniffer = MagicSniffer()
        try sniffer.preload()
        guard case .file(let f) = PathResolver().resolve(root: dir.path, path: "/p") else { return }
        let t = try await sniffer.sniff(file: f, on: pool)
        try await pool.shutdownGracefully()
        #expect(t == "image/png")
    }

    @Test func concurrentSniffsAreSafe() async throws {
        let sniffer = MagicSniffer(handles: 2)
        try sniffer.preload()
        let png = Self.png()
        await withTaskGroup(of: String?.self) { group in
            for _ in 0..<16 {
                group.addTask { png.withUnsafeBytes { sniffer.sniff(bytes: $0) } }
            }
            for await r in group { #expect(r == "image/png") }
        }
    }
}

/// libmagic's `type; charset=` output → what a browser should get.
@Suite struct MagicBrowserTypeTests {
    @Test(arguments: [
        ("text/plain; charset=us-ascii", "text/plain; charset=utf-8"),
        ("text/html; charset=utf-8", "text/html; charset=utf-8"),
        ("text/plain; charset=iso-8859-1", "text/plain; charset=iso-8859-1"),
        ("image/png; charset=binary", "image/png"),
        ("application/pdf; charset=iso-8859-1", "application/pdf"),
        ("application/json; charset=us-ascii", "application/json; charset=utf-8"),
        ("application/octet-stream; charset=binary", "application/octet-stream"),
        ("text/plain; charset=unknown-8bit", "text/plain"),
    ])
    func mapsMagicOutput(raw: String, expected: String) {
        #expect(MagicSniffer.browserType(fromMagic: raw) == expected)
    }

    @Test(arguments: ["application/x-empty; charset=binary", "inode/x-empty; charset=binary", ""])
    func emptyMeansNoType(raw: String) {
        #expect(MagicSniffer.browserType(fromMagic: raw) == nil)
    }
}
