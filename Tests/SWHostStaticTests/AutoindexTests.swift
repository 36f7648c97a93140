// swhost: SWHostStaticTests.

import Foundation
import NIOCore
import NIOPosix
import SWHostHTTPCore
import SWHostStatic
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Compares with nginx 1.22.1's output for the same tree (NginxAutoindexFixtures.swift).
@Suite struct AutoindexTests {
    static let mtime: Int64 = 1_767_323_045  // 2026-01-02 03:04:05 UTC

    /// The tree the fixtures were captured from.
    static func makeTree() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try dir.write("a.txt", "hello world\n")
        try dir.write("B<&>\"x y.bin", Data(count: 20000))
        try dir.write(String(repeating: "a", count: 60) + ".txt", "")
        try dir.write("\u{e9}" + String(repeating: "b", count: 55), "")
        try dir.write(String(repeating: "c", count: 50), "")
        try dir.mkdir("Zdir")
        try dir.mkdir("sp ace")
        try dir.mkdir(String(repeating: "d", count: 50))
        try dir.write("big", Data(count: 3_000_000))
        try dir.write("k10", Data(count: 10240))
        try dir.write("q\\w", "")
        try dir.write("x\u{1}y", "")
        try dir.write(".hidden", "")
        try dir.symlink("dangling", to: "/nonexistent")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            dir.setMtime(name, mtime)
        }
        return dir
    }

    static func entries(_ dir: TemporaryDirectory) throws -> [Autoindex.Entry] {
        guard case .directory(let d) = PathResolver().resolve(root: dir.path, path: "/") else {
            throw POSIXError(.ENOTDIR)
        }
        return try Autoindex.read(directory: d)
    }

    @Test func htmlMatchesNginxByteForByte() throws {
        let dir = try Self.makeTree()
        let out = Autoindex.html(try Self.entries(dir), uri: "/ref/")
        #expect(String(decoding: out, as: UTF8.self) == NginxAutoindexFixtures.html)
    }

    @Test func htmlWithUTF8CharsetCountsCharactersLikeNginx() throws {
        let dir = try Self.makeTree()
        let out = Autoindex.html(try Self.entries(dir), uri: "/r8/", options: .init(utf8: true))
        #expect(String(decoding: out, as: UTF8.self) == NginxAutoindexFixtures.htmlUTF8)
    }

    @Test func htmlHumanSizesMatchNginx() throws {
        let dir = try Self.makeTree()
        let out = Autoindex.html(try Self.entries(dir), uri: "/e/", options: .init(exactSize: false))
        #expect(String(decoding: out, as: UTF8.self) == NginxAutoindexFixtures.htmlHumanSizes)
    }

    @Test func jsonAndJsonpMatchNginx() throws {
        let dir = try Self.makeTree()
        let e = try Self.entries(dir)
        #expect(String(decoding: Autoindex.json(e), as: UTF8.self) == NginxAutoindexFixtures.json)
        #expect(String(decoding: Autoindex.json(e, callback: "cb"), as: UTF8.self) == NginxAutoindexFixtures.jsonp)
        // Parseable JSON.
        let parsed = try JSONSerialization.jsonObject(with: Data(Autoindex.json(e))) as? [[String: Any]]
        #expect(parsed?.count == 13)
        #expect(parsed?.first?["type"] as? String == "directory")
    }

    @Test func xmlMatchesNginxAndIsWellFormed() throws {
        let dir = try Self.makeTree()
        let out = try Autoindex.xml(try Self.entries(dir))
        // nginx copies the control character raw (ill-formed XML); swhost writes U+FFFD.
        let expected = NginxAutoindexFixtures.xml.replacingOccurrences(of: "x\u{1}y", with: "x\u{FFFD}y")
        #expect(String(decoding: out, as: UTF8.self) == expected)
        // Well-formed: every element closes, text carries no raw markup characters.
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.components(separatedBy: "<file ").count - 1 == text.components(separatedBy: "</file>").count - 1)
        #expect(text.components(separatedBy: "<directory ").count - 1 == 3)
        #expect(!text.contains("\u{1}"))
    }

    @Test func emptyDirectory() throws {
        let dir = try TemporaryDirectory()
        let e = try Self.entries(dir)
        #expect(e.isEmpty)
        #expect(String(decoding: Autoindex.json(e), as: UTF8.self) == "[\r\n]")  // nginx 1.22.1
        #expect(String(decoding: try Autoindex.xml(e), as: UTF8.self) == "<?xml version=\"1.0\"?>\r\n<list>\r\n</list>\r\n")
    }

    @Test func sortsDirectoriesFirstThenBytewise() {
        var e = [
            Autoindex.Entry(name: "b", isDirectory: false, isFile: true, mtime: 0, size: 0),
            Autoindex.Entry(name: "Z", isDirectory: false, isFile: true, mtime: 0, size: 0),
            Autoindex.Entry(name: "y", isDirectory: true, isFile: false, mtime: 0, size: 0),
            Autoindex.Entry(name: "A", isDirectory: true, isFile: false, mtime: 0, size: 0),
        ]
        Autoindex.sort(&e)
        #expect(e.map { String(decoding: $0.name, as: UTF8.self) } == ["A", "y", "Z", "b"])
    }

    @Test func titleIsEscaped() {
        let out = String(decoding: Autoindex.html([], uri: "/<x>&/"), as: UTF8.self)
        #expect(out.contains("<title>Index of /&lt;x&gt;&amp;/</title>"))
    }

    @Test func localTimeShiftsByTheZoneOffset() {
        setenv("TZ", "UTC", 1)
        tzset()
        let e = [Autoindex.Entry(name: "f", isDirectory: false, isFile: true, mtime: Self.mtime, size: 1)]
        #expect(Autoindex.html(e, uri: "/", options: .init(localTime: true)) == Autoindex.html(e, uri: "/"))
    }

    @Test func renderOnThreadPool() async throws {
        let dir = try Self.makeTree()
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        guard case .directory(let d) = PathResolver().resolve(root: dir.path, path: "/") else { return }
        let b = try await Autoindex.render(directory: d, uri: "/ref/", format: .html, on: pool)
        try await pool.shutdownGracefully()
        #expect(b.getString(at: 0, length: b.readableBytes) == NginxAutoindexFixtures.html)
        #expect(Autoindex.contentType(.json) == "application/json")
    }
}
