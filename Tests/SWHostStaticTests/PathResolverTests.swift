// swhost: SWHostStaticTests.

import Foundation
import NIOPosix
import SWHostHTTPCore
@testable import SWHostStatic
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A tree with every kind of symlink:
/// ```
/// outside/secret.txt
/// www/index.html, www/sub/page.html, www/sub/deeper/x.txt
/// www/in-tree -> sub/page.html        (relative, stays inside)
/// www/in-tree-dir -> sub              (relative directory)
/// www/absolute -> <tmp>/www/index.html (absolute: refused by RESOLVE_BENEATH even though inside)
/// www/escape -> ../outside/secret.txt (relative, climbs out)
/// www/escape-abs -> <tmp>/outside/secret.txt
/// www/fifo (named pipe)
/// link-root -> www                    (root reached through a symlink, for from=)
/// ```
final class SymlinkTree {
    let dir: TemporaryDirectory
    var root: String { dir.path + "/www" }

    init() throws {
        dir = try TemporaryDirectory()
        try dir.write("outside/secret.txt", "secret")
        try dir.write("www/index.html", "<h1>index</h1>")
        try dir.write("www/sub/page.html", "page")
        try dir.write("www/sub/deeper/x.txt", "x")
        try dir.symlink("www/in-tree", to: "sub/page.html")
        try dir.symlink("www/in-tree-dir", to: "sub")
        try dir.symlink("www/absolute", to: dir.path + "/www/index.html")
        try dir.symlink("www/escape", to: "../outside/secret.txt")
        try dir.symlink("www/escape-abs", to: dir.path + "/outside/secret.txt")
        try dir.symlink("link-root", to: "www")
        _ = mkfifo(dir.path + "/www/fifo", 0o644)
    }
}

enum Expect: Equatable, CustomStringConvertible {
    case file(String), directory, notFound, forbidden, escaped, invalid, error

    init(_ r: PathResolution) {
        switch r {
        case .file(let f): self = .file(String(decoding: readAll(f), as: UTF8.self))
        case .directory: self = .directory
        case .notFound: self = .notFound
        case .forbidden: self = .forbidden
        case .escaped: self = .escaped
        case .invalidPath: self = .invalid
        case .error: self = .error
        }
    }

    var description: String {
        switch self {
        case .file(let s): "file(\(s))"
        case .directory: "directory"
        case .notFound: "notFound"
        case .forbidden: "forbidden"
        case .escaped: "escaped"
        case .invalid: "invalid"
        case .error: "error"
        }
    }
}

@Suite struct PathResolverTests {
    /// (path, disable_symlinks off, on, if_not_owner [all owned by the same user])
    static let table: [(String, Expect, Expect, Expect)] = [
        ("/index.html", .file("<h1>index</h1>"), .file("<h1>index</h1>"), .file("<h1>index</h1>")),
        ("/sub/page.html", .file("page"), .file("page"), .file("page")),
        ("//sub//./page.html", .file("page"), .file("page"), .file("page")),
        ("/", .directory, .directory, .directory),
        ("/sub/", .directory, .directory, .directory),
        ("/missing.html", .notFound, .notFound, .notFound),
        ("/index.html/x", .notFound, .notFound, .notFound),  // ENOTDIR
        ("/fifo", .notFound, .notFound, .notFound),  // not a regular file: 404 like nginx
        ("/in-tree", .file("page"), .forbidden, .file("page")),
        ("/in-tree-dir/deeper/x.txt", .file("x"), .forbidden, .file("x")),
        ("/absolute", .escaped, .forbidden, .escaped),
        ("/escape", .escaped, .forbidden, .escaped),
        ("/escape-abs", .escaped, .forbidden, .escaped),
        ("/../outside/secret.txt", .invalid, .invalid, .invalid),
        ("/sub/../../outside/secret.txt", .invalid, .invalid, .invalid),
        ("/index.html\0.txt", .invalid, .invalid, .invalid),
    ]

    @Test(arguments: [false, true])
    func resolvesUnderEachPolicy(fallback: Bool) throws {
        let tree = try SymlinkTree()
        let resolver = PathResolver()
        if fallback { resolver.simulateMissingOpenat2() }
        for (path, off, on, notOwner) in Self.table {
            // The ENOSYS walk follows symlinks like nginx does with `off` (no RESOLVE_BENEATH).
            let expectedOff: Expect = fallback && off == .escaped ? .file("secret") : off
            let fallbackAbsolute = fallback && path == "/absolute"
            #expect(Expect(resolver.resolve(root: tree.root, path: path, symlinks: .off)) == (fallbackAbsolute ? .file("<h1>index</h1>") : expectedOff), "off \(path)")
            #expect(Expect(resolver.resolve(root: tree.root, path: path, symlinks: .on(from: tree.root))) == on, "on \(path)")
            _ = notOwner
        }
    }

    @Test func ifNotOwnerFollowsSameOwnerLinksOnly() throws {
        let tree = try SymlinkTree()
        let resolver = PathResolver()
        for (path, _, _, notOwner) in Self.table where notOwner != .escaped {
            #expect(Expect(resolver.resolve(root: tree.root, path: path, symlinks: .ifNotOwner(from: tree.root))) == notOwner, "if_not_owner \(path)")
        }
        // if_not_owner only checks ownership (nginx semantics): a same-owner link is followed even out of the root.
        #expect(Expect(resolver.resolve(root: tree.root, path: "/escape", symlinks: .ifNotOwner(from: tree.root))) == .file("secret"))
        guard getuid() == 0 else { return }
        // A link owned by someone else than its target's owner is refused (needs root to lchown).
        #expect(lchown(tree.root + "/in-tree", 12345, 12345) == 0)
        #expect(Expect(resolver.resolve(root: tree.root, path: "/in-tree", symlinks: .ifNotOwner(from: tree.root))) == .forbidden)
        #expect(Expect(resolver.resolve(root: tree.root, path: "/in-tree", symlinks: .off)) == .file("page"))
    }

    @Test func fromPartExemptsThePrefix() throws {
        let tree = try SymlinkTree()
        let resolver = PathResolver()
        let viaLink = tree.dir.path + "/link-root"
        // Without from=, the root's own symlink component is checked (nginx checks the whole path).
        #expect(Expect(resolver.resolve(root: viaLink, path: "/index.html", symlinks: .on())) == .forbidden)
        // from= covering the root: only the part after it is checked.
        #expect(Expect(resolver.resolve(root: viaLink, path: "/index.html", symlinks: .on(from: viaLink))) == .file("<h1>index</h1>"))
        #expect(Expect(resolver.resolve(root: viaLink, path: "/in-tree", symlinks: .on(from: viaLink))) == .forbidden)
        // from= that is not an initial part of the path: whole path checked, as if absent (nginx docs).
        #expect(Expect(resolver.resolve(root: viaLink, path: "/index.html", symlinks: .on(from: "/nonexistent"))) == .forbidden)
        // A from= that ends mid-component is not an initial part either.
        #expect(Expect(resolver.resolve(root: viaLink, path: "/index.html", symlinks: .on(from: viaLink + "x"))) == .forbidden)
        #expect(Expect(resolver.resolve(root: viaLink, path: "/index.html", symlinks: .off)) == .file("<h1>index</h1>"))
    }

    @Test func missingRootIsNotFound() {
        let resolver = PathResolver()
        #expect(Expect(resolver.resolve(root: "/nonexistent-swhost-root", path: "/x")) == .notFound)
        #expect(PathResolution.notFound.httpStatus == 404)
        #expect(PathResolution.escaped.httpStatus == 403)
        #expect(PathResolution.forbidden.httpStatus == 403)
        #expect(PathResolution.invalidPath.httpStatus == 400)
        #expect(PathResolution.error(errno: EMFILE).httpStatus == 500)
    }

    @Test func swappedRootIsPickedUpAfterRevalidation() throws {
        let dir = try TemporaryDirectory()
        try dir.write("r1/f", "one")
        try dir.write("r2/f", "two")
        try dir.symlink("current", to: "r1")
        let resolver = PathResolver(rootRevalidation: 0)
        #expect(Expect(resolver.resolve(root: dir.path + "/current", path: "/f")) == .file("one"))
        try FileManager.default.removeItem(atPath: dir.path + "/current")
        try dir.symlink("current", to: "r2")
        #expect(Expect(resolver.resolve(root: dir.path + "/current", path: "/f")) == .file("two"))
    }

    @Test func asyncEntryPoint() async throws {
        let tree = try SymlinkTree()
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let r = try await PathResolver().resolve(root: tree.root, path: "/sub/page.html", on: pool)
        try await pool.shutdownGracefully()
        #expect(Expect(r) == .file("page"))
    }

    /// A sparse file above 4 GiB: size, identity and a range past 2^32 survive 64-bit arithmetic.
    @Test func sparseFileAboveFourGiB() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/sparse.bin"
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        #expect(fd >= 0)
        let size: Int64 = 5 * 1024 * 1024 * 1024 + 17
        #expect(ftruncate(fd, off_t(size)) == 0)
        let marker = Array("marker".utf8)
        let at: Int64 = 4 * 1024 * 1024 * 1024 + 100
        _ = marker.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(at)) }
        close(fd)
        defer { unlink(path) }

        guard case .file(let file) = PathResolver().resolve(root: dir.path, path: "/sparse.bin") else {
            Issue.record("not opened")
            return
        }
        #expect(file.size == size)
        let decision = RangeRequest.evaluate(range: "bytes=\(at)-\(at + 5)", etag: ETag(file: file), lastModified: file.mtime, size: file.size)
        #expect(decision == .single(ByteRange(start: at, end: at + 6)))
        #expect(ByteRange(start: at, end: at + 6).contentRange(total: size) == "bytes 4294967396-4294967401/5368709137")
        #expect(RangeRequest.evaluate(range: "bytes=-10", etag: nil, lastModified: nil, size: size) == .single(ByteRange(start: size - 10, end: size)))
        var buf = [UInt8](repeating: 0, count: 6)
        _ = buf.withUnsafeMutableBytes { pread(file.descriptor, $0.baseAddress, 6, off_t(at)) }
        #expect(buf == marker)
        let body = FileBody(file: file, offset: at, length: 6)
        #expect(body.offset > Int64(UInt32.max))
        #expect(ETag(file: file).value == "\"\(String(file.mtime, radix: 16))-140000011\"")
    }
}

/// nginx's ngx_http_static_handler errno → status mapping (EACCES cannot be provoked as root).
@Suite struct PathResolverErrnoTests {
    @Test(arguments: [
        (ENOENT, 404), (ENOTDIR, 404), (ENAMETOOLONG, 404),
        (EACCES, 403), (ELOOP, 403), (EMLINK, 403), (EXDEV, 403),
        (EMFILE, 500), (EIO, 500),
    ])
    func errnoMapsToNginxStatus(code: Int32, status: Int) {
        #expect(PathResolver.classify(errno: code).httpStatus == status)
    }
}
